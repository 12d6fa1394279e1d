"""Coordinators' admin for the deployment plan: assignments with their planned visits, and planning jobs."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from access.admin import ScopedAdmin, ScopedTabularInline, admin_actors
from access.rules import writable_by
from missions.admin import MissionAdmin
from observers.selectors import seconding_state_figures

from .admin_actions import form_teams_action, plan_deployment_action
from .models import PlannedVisit, PlanningJob, TeamAssignment
from .selectors import region_team_counts
from .services import assignment_rule_errors


class TeamAssignmentForm(forms.ModelForm):
    """Manual edits in the admin pass the same checks as the planning services."""

    class Meta:
        model = TeamAssignment
        fields = ("team", "mission", "region", "tecs", "tabulation_tec", "quota", "locked")

    def clean(self):
        cleaned = super().clean()
        team, region = cleaned.get("team"), cleaned.get("region")
        if team is None or region is None:
            return cleaned
        errors = assignment_rule_errors(
            team=team, region=region, tecs=cleaned.get("tecs") or (), tabulation_tec=cleaned.get("tabulation_tec")
        )
        mission = cleaned.get("mission")
        if mission is not None and mission.pk != team.mission_id:
            errors.append(_("%(team)s belongs to another mission.") % {"team": team.code})
        if errors:
            raise ValidationError(errors)
        return cleaned


class PlannedVisitFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        region_id = self.instance.region_id
        for form in self.forms:
            station = form.cleaned_data.get("polling_station") if hasattr(form, "cleaned_data") else None
            if station is None or form.cleaned_data.get("DELETE"):
                continue
            if region_id and station.region_id != region_id:
                raise ValidationError(
                    _("Polling station %(station)s lies outside the team's region.") % {"station": station}
                )


class PlannedVisitInline(ScopedTabularInline):
    model = PlannedVisit
    formset = PlannedVisitFormSet
    extra = 0
    fields = ("purpose", "order", "polling_station")
    autocomplete_fields = ("polling_station",)
    ordering = ("order", "purpose")


@admin.register(TeamAssignment)
class TeamAssignmentAdmin(ScopedAdmin, SimpleHistoryAdmin):
    form = TeamAssignmentForm
    list_display = ("team", "region", "tec_codes", "tabulation_tec", "quota", "locked", "mission")
    list_filter = ("mission", "locked", "region")
    search_fields = ("team__code", "region__name", "tecs__code")
    autocomplete_fields = ("team", "region", "tecs", "tabulation_tec")
    readonly_fields = ("why",)
    inlines = (PlannedVisitInline,)
    actions = ("lock", "unlock")

    @admin.display(description=_("reason"))
    def why(self, obj):
        """Why the team is here, written out in the reader's language (the row keeps a notice)."""
        return obj.reason_text if obj is not None else ""

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("team", "region", "tabulation_tec", "mission")
            .prefetch_related("tecs")
        )

    @admin.display(description=_("TECs"))
    def tec_codes(self, obj):
        return ", ".join(tec.code for tec in obj.tecs.all())

    @admin.action(description=_("Lock the selected assignments (planning keeps them)"), permissions=["change"])
    def lock(self, request, queryset):
        count = writable_by(admin_actors(request), queryset).update(locked=True)
        self.message_user(
            request, ngettext("%(n)s assignment locked.", "%(n)s assignments locked.", count) % {"n": count}
        )

    @admin.action(description=_("Unlock the selected assignments"), permissions=["change"])
    def unlock(self, request, queryset):
        count = writable_by(admin_actors(request), queryset).update(locked=False)
        self.message_user(
            request, ngettext("%(n)s assignment unlocked.", "%(n)s assignments unlocked.", count) % {"n": count}
        )


@admin.register(PlanningJob)
class PlanningJobAdmin(ScopedAdmin):
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


# Formation and planning start from the mission list: deployment adds its actions to the missions' admin, so that
# missions never imports deployment.
MissionAdmin.actions = (*(MissionAdmin.actions or ()), form_teams_action, plan_deployment_action)


def mission_figures(mission) -> dict:
    """The coordinators' figures page of a mission: STOs per seconding state against the cap, teams per region."""
    states = seconding_state_figures(mission=mission)
    return {
        "states": states,
        "over_cap": [row for row in states if row["over_cap"]],
        "regions": region_team_counts(mission=mission),
    }


MissionAdmin.figures = staticmethod(mission_figures)
