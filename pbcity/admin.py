from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Agency, Cycle, CyclePhase, District, DistrictQuota, RoleAssignment, TaskFailure, User
from .permissions import can_resolve_task_failures
from .services import task_failure_resolve


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["name", "phone", "birth_date", "home_district", "language"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    inlines = [RoleInline]


class PhaseInline(admin.TabularInline):
    model = CyclePhase
    extra = 0


class QuotaInline(admin.TabularInline):
    model = DistrictQuota
    extra = 0


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["year", "name", "name_en", "assembly_top_k", "ballot_size", "default_admission_cap"]
    inlines = [PhaseInline, QuotaInline]


admin.site.register(District, list_display=["code", "name", "name_en", "eligible_population"])
admin.site.register(Agency, list_display=["code", "name", "name_en", "kind", "district"])


@admin.register(TaskFailure)
class TaskFailureAdmin(admin.ModelAdmin):
    """Failed background tasks, read-only: staff read the error and mark it resolved once dealt with."""

    list_display = ["failed_at", "task_name", "error", "resolved_at", "resolved_by"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "task_name"]
    readonly_fields = ["task_name", "task_id", "arguments", "error", "traceback", "failed_at", "resolved_at",
                       "resolved_by"]
    actions = ["resolve"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return can_resolve_task_failures(obj, request.user)

    def has_change_permission(self, request, obj=None):
        return can_resolve_task_failures(obj, request.user)

    @admin.action(description=_("Mark as resolved"))
    def resolve(self, request, queryset):
        n = task_failure_resolve(failure_ids=list(queryset.values_list("pk", flat=True)), actor=request.user)
        self.message_user(request, ngettext("%(n)d failure marked as resolved.", "%(n)d failures marked as resolved.",
                                            n) % {"n": n})
