"""Reads for incident follow-up: who sees which cases, the open ones, the core team to tell."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from access import visible_to
from missions.models import Mission
from observers.access import Actor
from observers.choices import MemberRole, MemberStatus
from observers.models import Membership, Observer

from .choices import OPEN_STATUSES
from .models import Case, CaseNote

CORE_ROLES = (MemberRole.HEAD_OF_MISSION, MemberRole.CORE_TEAM)


def _listing(queryset: QuerySet[Case]) -> QuerySet[Case]:
    return queryset.select_related(
        "assignee",
        "submission__team",
        "submission__polling_station__region",
        "submission__tec",
        "submission__region",
    )


def cases_visible_to(*, actor: Actor | None) -> QuerySet[Case]:
    """The core team sees every case of the mission; an observer the cases of their own team's forms."""
    if actor is None:
        return Case.objects.none()
    return _listing(visible_to(actor, Case.objects.filter(mission_id=actor.mission_id)))  # superusers: this one


def open_cases(*, mission: Mission | int) -> QuerySet[Case]:
    """A mission's cases not closed yet, oldest first (the longest waiting on top)."""
    mission_id = getattr(mission, "pk", mission)
    return _listing(Case.objects.filter(mission_id=mission_id, status__in=OPEN_STATUSES)).order_by("opened_at", "id")


def case_notes(*, case: Case) -> QuerySet[CaseNote]:
    """A case's log, oldest first, with who wrote each entry."""
    return case.notes.select_related("author", "assignee").order_by("created_at", "id")


def case_for_notification(*, case_id: int) -> Case | None:
    return _listing(Case.objects.select_related("mission")).filter(pk=case_id).first()


def _core_memberships(mission: Mission | int) -> QuerySet[Membership]:
    mission_id = getattr(mission, "pk", mission)
    return Membership.objects.filter(mission_id=mission_id, role__in=CORE_ROLES).exclude(status=MemberStatus.WITHDRAWN)


def core_team_users(*, mission: Mission | int):
    """The active user accounts of the mission's head and core team: the people a case may be assigned to."""
    ids = _core_memberships(mission).filter(observer__user__isnull=False).values("observer__user_id")
    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("first_name", "last_name", "username")


def core_team_emails(*, mission: Mission | int) -> list[str]:
    """The e-mail addresses (from the roster) of the mission's head and core team."""
    return sorted(set(_core_memberships(mission).values_list("observer__email", flat=True)) - {""})


def core_team_recipients(*, mission: Mission) -> dict[str, list[str]]:
    """The core team's e-mail addresses by the language to write to them in (Observer.language_in): one e-mail
    per language."""
    by_language: dict[str, set[str]] = {}
    people = Observer.objects.filter(pk__in=_core_memberships(mission).values("observer_id")).exclude(email="")
    for observer in people.only("email", "language"):
        by_language.setdefault(observer.language_in(mission), set()).add(observer.email)
    return {language: sorted(emails) for language, emails in sorted(by_language.items())}
