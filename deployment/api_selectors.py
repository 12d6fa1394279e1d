"""Reads for the API: the deployment plan and planning jobs a user may see."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from observers.api_selectors import actors_for, coordinated_mission_ids, team_scope
from observers.models import Team

from .models import PlannedVisit, PlanningJob, TeamAssignment


def assignments_visible_to(*, user) -> QuerySet[TeamAssignment]:
    """Assignments of the teams the user sees (the whole plan for the core team), with TECs and route prefetched."""
    scope = Q(pk__in=[])
    for actor in actors_for(user):
        scope |= Q(mission_id=actor.mission_id, team__in=Team.objects.filter(team_scope(actor)).values("pk"))
    return (
        TeamAssignment.objects.filter(scope)
        .select_related("mission", "team", "region", "tabulation_tec")
        .prefetch_related(
            "tecs",
            Prefetch(
                "visits",
                queryset=PlannedVisit.objects.select_related("polling_station__region").order_by(
                    "purpose", "order", "id"
                ),
            ),
        )
        .order_by("mission_id", "team__code")
    )


def planning_jobs_visible_to(*, user) -> QuerySet[PlanningJob]:
    """Planning jobs of the missions the user coordinates, newest first."""
    return (
        PlanningJob.objects.filter(mission_id__in=coordinated_mission_ids(user))
        .select_related("mission")
        .order_by("-created_at", "-id")
    )
