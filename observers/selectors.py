"""Reads for the roster and teams; querysets own their joins so callers make no N+1 queries."""

from __future__ import annotations

import math

from django.db.models import Count, QuerySet

from access import actors_for, can_read_personal_data, visible_to
from missions.models import Mission

from .choices import MemberRole, MemberStatus
from .models import Membership, Observer, Team

# docs/missions.md: one seconding state supplies at most 15 % of the STOs requested.
SECONDING_STATE_CAP = 0.15


def teams_visible_to(*, user) -> QuerySet[Team]:
    """Teams the user may see, with their members and area for serializing in a constant number of queries."""
    return (
        visible_to(actors_for(user), Team)
        .select_related("mission", "lto_team")
        .prefetch_related("area_regions", "members__membership__observer")
        .order_by("mission_id", "kind", "code")
    )


def memberships_visible_to(*, user) -> QuerySet[Membership]:
    """Memberships the user may see: everyone in a mission for its core team, team members for observers."""
    return (
        visible_to(actors_for(user), Membership)
        .select_related("mission", "observer")
        .prefetch_related("team_seats")
        .order_by("mission_id", "role", "observer__full_name", "pk")
    )


def observers_visible_to(*, user) -> QuerySet[Observer]:
    """Observers with a membership the user may see, languages prefetched."""
    return visible_to(actors_for(user), Observer).prefetch_related("languages").order_by("full_name", "pk")


def sees_personal_data_everywhere(user) -> bool:
    """True when the user sees personal data in every mission they see, so personal fields are theirs to read."""
    actors = actors_for(user)
    return bool(actors) and all(can_read_personal_data(actor, actor.mission_id) for actor in actors)


def teams_for_admin():
    return Team.objects.select_related("mission", "lto_team").prefetch_related(
        "members__membership__observer", "area_regions"
    )


def seconding_state_figures(*, mission: Mission) -> list[dict]:
    """STOs per seconding state against the 15 % cap of the STOs requested, largest first."""
    requested = (
        mission.stos_requested
        or Membership.objects.filter(mission=mission, role=MemberRole.STO)
        .exclude(status=MemberStatus.WITHDRAWN)
        .count()
    )
    cap = math.floor(requested * SECONDING_STATE_CAP)
    rows = (
        Membership.objects.filter(mission=mission, role=MemberRole.STO)
        .exclude(status=MemberStatus.WITHDRAWN)
        .values("observer__nationality")
        .annotate(stos=Count("id"))
        .order_by("-stos", "observer__nationality")
    )
    from django_countries import countries

    names = dict(countries)
    return [
        {
            "country": row["observer__nationality"],
            "name": names.get(row["observer__nationality"], row["observer__nationality"]),
            "stos": row["stos"],
            "share": row["stos"] / requested if requested else 0.0,
            "cap": cap,
            "over_cap": row["stos"] > cap,
        }
        for row in rows
    ]
