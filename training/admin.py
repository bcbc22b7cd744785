from django.contrib import admin

from pbcity.history_admin import ReadOnlyHistoryAdmin

from .models import Attendance, CitizenCard, Consultation, ConsultationSlot, Course, Expert, ExpertField, Session


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "kind", "hours", "counts_toward_cards", "is_active")
    list_filter = ("kind", "counts_toward_cards", "is_active")
    search_fields = ("code", "title")


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("course", "starts_at", "district", "trainer", "capacity", "is_cancelled")
    list_filter = ("course__kind", "district", "is_cancelled")
    autocomplete_fields = ("trainer",)


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyHistoryAdmin):
    # Read-only: hours change only through the check-in page, which requires a reason.
    list_display = ("user", "session", "hours", "recorded_by", "recorded_at")
    readonly_fields = [f.name for f in Attendance._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CitizenCard)
class CitizenCardAdmin(ReadOnlyHistoryAdmin):
    # Read-only: cards are issued by hours and revoked on the card page (reason required).
    list_display = ("number", "holder", "level", "issued_on", "revoked_at")
    list_filter = ("level", "revoked_kind")
    search_fields = ("number", "holder__name", "holder__email", "verification_code")
    readonly_fields = [f.name for f in CitizenCard._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ExpertField)
class ExpertFieldAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ("name", "affiliation", "available_for_workshops")
    list_filter = ("fields", "available_for_workshops")
    search_fields = ("name", "affiliation")
    filter_horizontal = ("fields",)


@admin.register(ConsultationSlot)
class ConsultationSlotAdmin(admin.ModelAdmin):
    list_display = ("district", "starts_at", "place", "online_url")
    list_filter = ("district",)


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ("slot", "resident", "status")
    list_filter = ("status",)
