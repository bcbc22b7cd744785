from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import (
    Agency,
    Cycle,
    CyclePhase,
    District,
    DistrictQuota,
    MFAEnrolmentLink,
    RoleAssignment,
    TaskFailure,
    User,
)
from .permissions import can_resolve_task_failures
from .services import mfa_enrolment_link_issue, task_failure_resolve


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
    actions = ["issue_mfa_enrolment_link"]

    @admin.action(description=_("Issue a two-factor enrolment link"))
    def issue_mfa_enrolment_link(self, request, queryset):
        """Show each selected account's one-time link once, on this page only (never stored, never e-mailed)."""
        rows = []
        for account in queryset.order_by("email"):
            try:
                token = mfa_enrolment_link_issue(account=account, actor=request.user)
            except (PermissionDenied, ValidationError) as exc:
                error = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                rows.append({"account": account, "error": error})
                continue
            rows.append({"account": account, "url": request.build_absolute_uri(reverse("mfa_enrolment", args=[token]))})
        context = {**self.admin_site.each_context(request), "title": _("Two-factor enrolment links"), "rows": rows,
                   "hours": settings.MFA_ENROLMENT_LINK_HOURS, "opts": self.model._meta}
        return TemplateResponse(request, "admin/pbcity/mfa_enrolment_links.html", context)


@admin.register(MFAEnrolmentLink)
class MFAEnrolmentLinkAdmin(admin.ModelAdmin):
    """Who issued which enrolment link and whether it was used; read-only (links come from the user action)."""

    list_display = ["user", "issued_by", "issued_at", "expires_at", "used_at"]
    readonly_fields = ["user", "issued_by", "issued_at", "expires_at", "used_at"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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
