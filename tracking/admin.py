"""Admin: each cycle's tracking knobs are set here; projects and milestones are read-only (services own them)."""
from django.contrib import admin

from pbcity.history_admin import ReadOnlyHistoryAdmin

from .models import CycleTracking, Milestone, Project, QuarterlyReport


@admin.register(CycleTracking)
class CycleTrackingAdmin(admin.ModelAdmin):
    list_display = ("cycle", "update_interval_days", "grace_days", "stalled_after_days", "variance_percent",
                    "council_submission_on")


class _ReadOnly(ReadOnlyHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(_ReadOnly):
    list_display = ("proposal", "lead_agency", "budget_path", "agencies_notified_at", "last_activity_at")
    list_filter = ("budget_path", "lead_agency")


@admin.register(Milestone)
class MilestoneAdmin(_ReadOnly):
    list_display = ("title", "project", "agency", "status", "percent", "planned_end", "last_update_on")
    list_filter = ("status", "agency")


@admin.register(QuarterlyReport)
class QuarterlyReportAdmin(admin.ModelAdmin):
    list_display = ("project", "quarter", "status", "builds", "claimed_at", "sent_at")
    list_filter = ("quarter", "status")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
