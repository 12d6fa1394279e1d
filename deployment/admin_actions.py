"""Admin actions on missions: start team formation or deployment planning as background jobs."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from access import actor_for, can_plan_deployment

from .choices import FormationKind, JobKind, PlanningBasis
from .services import planning_job_start


def _start(modeladmin, request, queryset, kind: str, parameters: dict) -> None:
    for mission in queryset:
        actor = actor_for(request.user, mission)
        if not can_plan_deployment(actor, mission):
            modeladmin.message_user(
                request,
                _("%(mission)s: only the mission's coordinators plan its deployment.") % {"mission": mission.name},
                messages.ERROR,
            )
            continue
        try:
            job = planning_job_start(
                actor=actor, mission=mission, kind=kind, parameters=parameters, requested_by=request.user
            )
        except ValidationError as error:
            modeladmin.message_user(request, f"{mission.name}: {'; '.join(error.messages)}", messages.ERROR)
            continue
        url = reverse("deployment:planning", kwargs={"mission_slug": mission.slug})
        modeladmin.message_user(
            request,
            format_html(
                '{}: {} <a href="{}">{}</a>.',
                mission.name,
                _("%(job)s queued (job %(id)s).") % {"job": job.get_kind_display(), "id": job.pk},
                url,
                _("Follow its progress and review the plan"),
            ),
            messages.SUCCESS,
        )


def form_teams_action(modeladmin, request, queryset):
    """Form LTO and STO teams from each selected mission's unteamed observers (in the background)."""
    _start(modeladmin, request, queryset, JobKind.FORM_TEAMS, {"kind": FormationKind.ALL})


form_teams_action.short_description = _("Form teams of two from unteamed LTOs and STOs")


def plan_deployment_action(modeladmin, request, queryset):
    """Plan LTO areas and STO assignments for each selected mission (in the background)."""
    _start(modeladmin, request, queryset, JobKind.PLAN_DEPLOYMENT, {"basis": PlanningBasis.STATIONS})


plan_deployment_action.short_description = _("Plan the deployment (LTO areas, STO regions, TECs and routes)")
