from django.contrib import admin

from pbcity.history_admin import ReadOnlyHistoryAdmin

from .models import Proposal, TransitionLog


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyHistoryAdmin):
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


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "proposal", "from_state", "to_state", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
