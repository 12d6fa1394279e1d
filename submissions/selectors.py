"""Reads for submitted forms: who sees which forms, the urgent list, a team's forms, revisions."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from access import Actor, actors_for
from access import rules as access_rules
from missions.models import Mission

from .models import PhaseLock, Submission, SubmissionRevision


def _listing(queryset: QuerySet[Submission]) -> QuerySet[Submission]:
    return queryset.select_related("template", "team", "polling_station__region", "tec", "region", "submitted_by")


def submissions_visible_to(*, actor: Actor | None) -> QuerySet[Submission]:
    """The forms an actor may see: the whole mission for the core team, the area for LTOs, the team for STOs.

    Confidential meeting records are seen only by those who see confidential records and by the team that wrote them
    (the rule is ``access.rules``; this adds the joins a listing needs).
    """
    if actor is None:
        return Submission.objects.none()
    return _listing(Submission.objects.filter(access_rules.submission_scope(actor)))


def submission_for_actor(*, actor: Actor | None, uuid) -> Submission | None:
    """One form by UUID if the actor may see it (None otherwise, so pages answer 404 alike for missing and hidden)."""
    return submissions_visible_to(actor=actor).filter(uuid=uuid).first()


def submissions_of_team(*, team_id: int) -> QuerySet[Submission]:
    """A team's own forms, newest first."""
    return _listing(Submission.objects.filter(team_id=team_id))


def urgent_incidents(*, mission: Mission | int) -> QuerySet[Submission]:
    """Forms flagged urgent or carrying a critical answer, newest first, with team, station and notes at hand."""
    mission_id = getattr(mission, "pk", mission)
    return _listing(
        Submission.objects.filter(mission_id=mission_id).filter(Q(urgent=True) | Q(has_critical=True))
    ).order_by("-received_at", "-id")


def submission_revisions(*, submission: Submission) -> QuerySet[SubmissionRevision]:
    """Every version of a form, oldest first, with who made it."""
    return submission.revisions.select_related("changed_by").order_by("revision")


def locked_kinds(*, mission: Mission | int) -> set[str]:
    """The form kinds coordinators have locked in a mission."""
    mission_id = getattr(mission, "pk", mission)
    return set(PhaseLock.objects.filter(mission_id=mission_id).values_list("kind", flat=True))


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
    return queryset.select_related("mission", "template", "team", "polling_station__region", "tec", "region")


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
