"""Reads for submitted forms: who sees which forms, the urgent list, a team's forms, revisions."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from missions.models import Mission
from observers.access import Actor

from .models import PhaseLock, Submission, SubmissionRevision


def _listing(queryset: QuerySet[Submission]) -> QuerySet[Submission]:
    return queryset.select_related("template", "team", "polling_station", "tec", "region", "submitted_by")


def submissions_visible_to(*, actor: Actor | None) -> QuerySet[Submission]:
    """The forms an actor may see: the whole mission for the core team, the area for LTOs, the team for STOs.

    Confidential meeting records are seen only by those who see confidential records and by the team that wrote them.
    """
    if actor is None:
        return Submission.objects.none()
    queryset = Submission.objects.filter(mission_id=actor.mission_id)
    if actor.sees_whole_mission:
        pass
    elif actor.role == "lto":
        scope = Q(region_id__in=actor.region_ids)
        if actor.team_id is not None:
            scope |= Q(team_id=actor.team_id)
        queryset = queryset.filter(scope)
    elif actor.role == "sto" and actor.team_id is not None:
        queryset = queryset.filter(team_id=actor.team_id)
    else:
        return Submission.objects.none()
    if not actor.sees_confidential_records:
        own_team = Q(team_id=actor.team_id) if actor.team_id is not None else Q(pk__in=[])
        queryset = queryset.filter(Q(confidential=False) | own_team)
    return _listing(queryset)


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
