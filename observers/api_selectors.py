"""Reads for the API: a user's Actor in each of their missions, and the roster and teams scoped by them."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .access import Actor, actor_for, is_odihr_staff, missions_for
from .choices import TeamKind
from .models import Membership, Observer, Team


def actors_for(user) -> list[Actor]:
    """The user's Actor in every mission they have a scope in, computed once per request-bound user."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_eom_actors", None)
    if cached is None:
        cached = []
        for mission_id in missions_for(user).values_list("pk", flat=True):
            actor = actor_for(user, mission_id)
            if actor is not None:
                cached.append(actor)
        user._eom_actors = cached
    return cached


def coordinated_mission_ids(user) -> list[int]:
    """Missions in which the user is a coordinator (ODIHR staff never are: they only read)."""
    if is_odihr_staff(user) and not user.is_superuser:
        return []
    return [actor.mission_id for actor in actors_for(user) if actor.is_coordinator]


def sees_personal_data_everywhere(user) -> bool:
    """True when the user is a coordinator in every mission they see, so personal fields are theirs to read."""
    actors = actors_for(user)
    return bool(actors) and all(actor.sees_personal_data for actor in actors) and not is_odihr_staff(user)


def _nothing() -> Q:
    return Q(pk__in=[])


def _any(conditions: list[Q]) -> Q:
    combined = _nothing()
    for condition in conditions:
        combined |= condition
    return combined


def team_scope(actor: Actor) -> Q:
    """The teams an actor sees: the whole mission; an LTO's own team and the STO teams in its area; an STO's team."""
    mission = Q(mission_id=actor.mission_id)
    if actor.sees_whole_mission:
        return mission
    if actor.team_id is None:
        return _nothing()
    own = Q(pk=actor.team_id)
    if actor.role == "lto":
        area = Q(lto_team_id=actor.team_id)
        if actor.region_ids:
            area |= Q(kind=TeamKind.STO, assignment__region_id__in=actor.region_ids)
        return mission & (own | area)
    return mission & own


def teams_visible_to(*, user) -> QuerySet[Team]:
    """Teams the user may see, with their members and area for serializing in a constant number of queries."""
    scope = _any([team_scope(actor) for actor in actors_for(user)])
    return (
        Team.objects.filter(pk__in=Team.objects.filter(scope).values("pk"))
        .select_related("mission", "lto_team")
        .prefetch_related("area_regions", "members__membership__observer")
        .order_by("mission_id", "kind", "code")
    )


def memberships_visible_to(*, user) -> QuerySet[Membership]:
    """Memberships the user may see: everyone in a mission for its core team, team members for observers."""
    conditions = []
    for actor in actors_for(user):
        if actor.sees_whole_mission:
            conditions.append(Q(mission_id=actor.mission_id))
        else:
            teams = Team.objects.filter(team_scope(actor)).values("pk")
            conditions.append(Q(mission_id=actor.mission_id, team_seats__team__in=teams))
            if actor.membership_id:
                conditions.append(Q(pk=actor.membership_id))
    ids = Membership.objects.filter(_any(conditions)).values("pk")
    return (
        Membership.objects.filter(pk__in=ids)
        .select_related("mission", "observer")
        .prefetch_related("team_seats")
        .order_by("mission_id", "role", "observer__full_name", "pk")
    )


def observers_visible_to(*, user) -> QuerySet[Observer]:
    """Observers with a membership the user may see, languages and memberships prefetched."""
    memberships = memberships_visible_to(user=user).values("observer_id")
    return (
        Observer.objects.filter(pk__in=memberships)
        .prefetch_related("languages", "memberships")
        .order_by("full_name", "pk")
    )
