"""Reads for the API: the report runs a user may see across missions (the rules of reports.selectors.runs_for)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from observers.access import is_odihr_staff
from observers.api_selectors import actors_for

from .choices import RunStatus
from .models import ReportRun


def report_runs_visible_to(*, user) -> QuerySet[ReportRun]:
    """Every run of the missions where the user is core team or analyst; ODIHR staff: published runs of any mission."""
    full = [actor.mission_id for actor in actors_for(user) if actor.sees_whole_mission]
    scope = Q(mission_id__in=full)
    if is_odihr_staff(user):
        scope |= Q(published=True, status=RunStatus.DONE)
    return (
        ReportRun.objects.filter(scope)
        .select_related("mission", "region")
        .defer("result", "charts")
        .order_by("-created_at", "-id")
    )
