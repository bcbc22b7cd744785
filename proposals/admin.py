from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .models import Proposal, TransitionLog


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    """Read-mostly: the lifecycle moves only through the proposal pages and their services."""

    list_display = ["title", "district", "cycle", "state"]
    list_filter = ["cycle", "district", "state"]
    search_fields = ["title"]
    readonly_fields = ["state", "lead_agency", "merged_into", "created_at"]
    exclude = ["co_agencies"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # SIMPLE_HISTORY_REVERT_DISABLED only hides the button; a POST would still revert.
        if request.method == "POST":
            raise PermissionDenied("History is read-only.")
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "proposal", "from_state", "to_state", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
