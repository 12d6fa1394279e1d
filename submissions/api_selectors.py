"""Reads for the API: the forms a user may see across their missions, built on submissions.selectors."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from observers.api_selectors import actors_for

from .models import Submission
from .selectors import submissions_visible_to, urgent_incidents


def _across_missions(user, per_actor) -> QuerySet[Submission]:
    querysets = [per_actor(actor) for actor in actors_for(user)]
    if not querysets:
        return Submission.objects.none()
    if len(querysets) == 1:
        return querysets[0]
    scope = Q(pk__in=[])
    for queryset in querysets:
        scope |= Q(pk__in=queryset.values("pk"))
    return Submission.objects.filter(scope)


def _joined(queryset: QuerySet[Submission]) -> QuerySet[Submission]:
    return queryset.select_related("mission", "template", "team", "polling_station", "tec", "region")


def api_submissions_visible_to(*, user) -> QuerySet[Submission]:
    """Every form the user may see in any of their missions, oldest first (a stable order for cursors)."""
    visible = _across_missions(user, lambda actor: submissions_visible_to(actor=actor))
    return _joined(visible).order_by("received_at", "id")


def api_urgent_incidents_visible_to(*, user) -> QuerySet[Submission]:
    """Urgent or critical forms the user may see, newest first."""
    visible = _across_missions(
        user, lambda actor: urgent_incidents(mission=actor.mission_id) & submissions_visible_to(actor=actor)
    )
    return _joined(visible).order_by("-received_at", "-id")
