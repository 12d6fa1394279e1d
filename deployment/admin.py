"""Coordinators' admin for the deployment plan: assignments with their planned visits, and planning jobs."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from missions.admin import MissionScopedAdmin

from .models import PlannedVisit, PlanningJob, TeamAssignment


class PlannedVisitInline(admin.TabularInline):
    model = PlannedVisit
    extra = 0
    fields = ("purpose", "order", "polling_station")
    autocomplete_fields = ("polling_station",)
    ordering = ("order", "purpose")


@admin.register(TeamAssignment)
class TeamAssignmentAdmin(MissionScopedAdmin, SimpleHistoryAdmin):
    list_display = ("team", "region", "tec_codes", "tabulation_tec", "quota", "locked", "mission")
    list_filter = ("mission", "locked", "region")
    search_fields = ("team__code", "region__name", "tecs__code")
    autocomplete_fields = ("team", "region", "tecs", "tabulation_tec")
    readonly_fields = ("reason",)
    inlines = (PlannedVisitInline,)
    actions = ("lock", "unlock")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("team", "region", "tabulation_tec", "mission")
            .prefetch_related("tecs")
        )

    @admin.display(description="TECs")
    def tec_codes(self, obj):
        return ", ".join(tec.code for tec in obj.tecs.all())

    @admin.action(description="Lock the selected assignments (planning keeps them)")
    def lock(self, request, queryset):
        count = queryset.update(locked=True)
        self.message_user(request, f"{count} assignment(s) locked.")

    @admin.action(description="Unlock the selected assignments")
    def unlock(self, request, queryset):
        count = queryset.update(locked=False)
        self.message_user(request, f"{count} assignment(s) unlocked.")


@admin.register(PlanningJob)
class PlanningJobAdmin(MissionScopedAdmin):
    list_display = ("kind", "mission", "status", "progress", "requested_by", "created_at", "finished_at")
    list_filter = ("kind", "status", "mission")
    readonly_fields = (
        "mission",
        "kind",
        "status",
        "progress",
        "parameters",
        "summary",
        "error",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
