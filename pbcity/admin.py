from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Agency, Cycle, CyclePhase, District, DistrictQuota, RoleAssignment, User


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
    list_display = ["year", "name", "assembly_top_k", "ballot_size", "default_admission_cap"]
    inlines = [PhaseInline, QuotaInline]


admin.site.register(District, list_display=["code", "name", "name_en", "eligible_population"])
admin.site.register(Agency, list_display=["code", "name", "kind", "district"])
