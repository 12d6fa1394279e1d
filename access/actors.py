"""The Actor: a user acting inside one mission with one Role, worked out once per request.

Models are reached through the app registry, so this package sits below the domain apps and imports none of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import F, Q, QuerySet

from config.queries import PreparedQuery

from .roles import COORDINATING, OBSERVING, PUBLISHING, WHOLE_MISSION, Role, role_of_membership

WITHDRAWN = "withdrawn"
SYSTEM_USER_ID = 0  # no account has this id: the system Actor is never a person


@dataclass(frozen=True)
class Actor:
    """A user acting inside one mission, with what they may see and do there."""

    user_id: int
    mission_id: int
    role: Role
    membership_id: int | None = None
    team_id: int | None = None
    region_ids: frozenset[int] = field(default_factory=frozenset)
    superuser: bool = False

    @property
    def sees_whole_mission(self) -> bool:
        return self.role in WHOLE_MISSION

    @property
    def is_head_of_mission(self) -> bool:
        return self.role == Role.HEAD_OF_MISSION

    @property
    def is_coordinator(self) -> bool:
        """Coordinators and the head of mission: the roster, teams, geography, planning and the admin's writes."""
        return self.role in COORDINATING

    @property
    def sees_personal_data(self) -> bool:
        return self.role in COORDINATING

    @property
    def sees_confidential_records(self) -> bool:
        return self.role in WHOLE_MISSION

    @property
    def is_observer(self) -> bool:
        return self.role in OBSERVING

    @property
    def publishes(self) -> bool:
        """Only the head of mission and analysts lift the embargo on a report run."""
        return self.role in PUBLISHING

    @property
    def is_system(self) -> bool:
        """A management command or a job queued by one, not a person (see ``system_actor``)."""
        return self.user_id == SYSTEM_USER_ID

    @property
    def is_follower(self) -> bool:
        """ODIHR staff following the mission: published report runs, nothing else."""
        return self.role == Role.ODIHR_STAFF


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


def held_memberships(user) -> QuerySet:
    """The user's active memberships: those of the person records linked to their login, one per mission.

    A login may be linked to a person's records in several missions (one record each, linked by a superuser); each
    record's membership gives the role in that record's own mission and nowhere else. A membership whose mission is
    not its record's is never counted, so a slip elsewhere cannot open a mission.
    """
    Membership = apps.get_model("observers", "Membership")
    # One membership row must be both the user's and active: a chained exclude() over the relation is not.
    return Membership.objects.filter(observer__user=user, observer__mission_id=F("mission_id")).exclude(
        status=WITHDRAWN
    )


def _member_actor_row(user_id: int, mission_id: int) -> QuerySet:
    return (
        held_memberships(user_id)
        # The record named by both constants: the planner reads the unique (login, mission) index whatever its
        # statistics say (with stale ones after a roster import it scanned the mission's memberships instead).
        .filter(mission_id=mission_id, observer__mission_id=mission_id)
        .order_by()
        .values_list(
            "id",
            "role",
            "core_function",
            "team_seats__team_id",
            "team_seats__team__kind",
            "team_seats__team__lto_team_id",
            "team_seats__team__assignment__region_id",
        )[:1]
    )


# Asked on every request that works in one mission (each form sent): compiled once (config.queries).
_MEMBER_ACTOR_ROW = PreparedQuery(_member_actor_row, "user_id", "mission_id")


def _member_actor(user, mission_id: int) -> Actor | None:
    """The user's Actor in one mission in one query: the membership, its team seat, the team and its planned region.

    The joins are outer and give at most one row: a login holds one record per mission, a record one membership, a
    membership one seat and a team one assignment. No ordering, for the same reason.
    """
    row = _MEMBER_ACTOR_ROW.first(user_id=user.pk, mission_id=mission_id)
    if row is None:
        return None
    membership_id, member_role, core_function, team_id, team_kind, lto_team_id, planned_region_id = row
    return _actor_of(
        user,
        mission_id=mission_id,
        membership_id=membership_id,
        role=role_of_membership(member_role, core_function),
        team_id=team_id,
        team_kind=team_kind,
        lto_team_id=lto_team_id,
        planned_region_id=planned_region_id,
    )


def _actor_of_membership(user, membership) -> Actor:
    TeamMember = apps.get_model("observers", "TeamMember")
    role = role_of_membership(membership.role, membership.core_function)
    if role in WHOLE_MISSION:
        return Actor(user_id=user.pk, mission_id=membership.mission_id, role=role, membership_id=membership.pk)
    # The team and its planned region (an STO team's area) in the same query.
    seat = (
        TeamMember.objects.filter(membership=membership)
        .order_by()
        .values_list("team_id", "team__kind", "team__lto_team_id", "team__assignment__region_id")[:1]
    )
    team_id, team_kind, lto_team_id, planned_region_id = next(iter(seat), (None, None, None, None))
    return _actor_of(
        user,
        mission_id=membership.mission_id,
        membership_id=membership.pk,
        role=role,
        team_id=team_id,
        team_kind=team_kind,
        lto_team_id=lto_team_id,
        planned_region_id=planned_region_id,
    )


def _actor_of(
    user,
    *,
    mission_id: int,
    membership_id: int,
    role: Role,
    team_id: int | None,
    team_kind: str | None,
    lto_team_id: int | None,
    planned_region_id: int | None,
) -> Actor:
    """The Actor of a membership from its team's columns.

    An LTO's area is their team's; an STO team's is its planned region, else its LTO team's area; the roles that see
    the whole mission have none.
    """
    if role in WHOLE_MISSION:
        return Actor(user_id=user.pk, mission_id=mission_id, role=role, membership_id=membership_id)
    Team = apps.get_model("observers", "Team")
    area = Team.area_regions.through.objects.order_by()
    if team_id is None:
        region_ids: frozenset[int] = frozenset()
    elif role == Role.LTO:
        region_ids = frozenset(area.filter(team_id=team_id).values_list("region_id", flat=True))
    elif team_kind != "sto":
        region_ids = frozenset()
    elif planned_region_id is not None:
        region_ids = frozenset([planned_region_id])
    elif lto_team_id is not None:
        region_ids = frozenset(area.filter(team_id=lto_team_id).values_list("region_id", flat=True))
    else:
        region_ids = frozenset()
    return Actor(
        user_id=user.pk,
        mission_id=mission_id,
        role=role,
        membership_id=membership_id,
        team_id=team_id,
        region_ids=region_ids,
    )


def actor_for(user, mission, *, followers: bool = False) -> Actor | None:
    """The user's Actor in a mission, or None when they hold no role there.

    ODIHR staff who follow the mission get an Actor only with ``followers=True`` (the report pages and the API
    ask for it): every other surface treats them as having no business in the mission.
    """
    if not _signed_in(user):
        return None
    mission_id = getattr(mission, "pk", mission)
    if mission_id is None:
        return None
    if user.is_superuser:
        return Actor(user_id=user.pk, mission_id=mission_id, role=Role.HEAD_OF_MISSION, superuser=True)
    actor = _member_actor(user, mission_id)
    if actor is None and followers and _follows(user, mission_id):
        actor = Actor(user_id=user.pk, mission_id=mission_id, role=Role.ODIHR_STAFF)
    return actor


def _follows(user, mission_id: int) -> bool:
    Follower = apps.get_model("observers", "Follower")
    return Follower.objects.filter(user=user, mission_id=mission_id).exists()


def missions_for(user, *, followers: bool = False) -> QuerySet:
    """Missions in which the user holds a role (superusers: all; with followers=True also those they follow)."""
    Mission = apps.get_model("missions", "Mission")
    if not _signed_in(user):
        return Mission.objects.none()
    if user.is_superuser:
        return Mission.objects.all()
    active = held_memberships(user)
    missions = Mission.objects.filter(pk__in=active.values("mission_id"))
    if followers:
        Follower = apps.get_model("observers", "Follower")
        followed = Follower.objects.filter(user=user).values("mission_id")
        missions = Mission.objects.filter(Q(pk__in=active.values("mission_id")) | Q(pk__in=followed))
    return missions


def actors_for(user, *, followers: bool = False) -> list[Actor]:
    """The user's Actor in every mission where they hold a role, computed once per request-bound user.

    One query for the memberships and one for the follower grants, whatever the number of missions (observers'
    memberships add their team's).
    """
    if not _signed_in(user):
        return []
    cache = user.__dict__.setdefault("_access_actor_lists", {})
    if followers in cache:
        return cache[followers]
    if user.is_superuser:
        mission_ids = missions_for(user).values_list("pk", flat=True).order_by("pk")
        actors = [actor_for(user, mission_id) for mission_id in mission_ids]
    else:
        memberships = held_memberships(user).only("id", "mission_id", "role", "core_function").order_by("mission_id")
        actors = [_actor_of_membership(user, membership) for membership in memberships]
        if followers:
            Follower = apps.get_model("observers", "Follower")
            held = {actor.mission_id for actor in actors}
            followed = Follower.objects.filter(user=user).values_list("mission_id", flat=True).order_by("mission_id")
            actors += [
                Actor(user_id=user.pk, mission_id=mission_id, role=Role.ODIHR_STAFF)
                for mission_id in followed
                if mission_id not in held
            ]
    cache[followers] = actors
    return actors


def actor_in(user, mission_id: int, *, followers: bool = False) -> Actor | None:
    """The user's Actor in one mission, from the request's list (no query once that list is built)."""
    for actor in actors_for(user, followers=followers):
        if actor.mission_id == mission_id:
            return actor
    return None


def system_actor(mission) -> Actor:
    """The Actor of a management command, or of a background job no person queued: the operator with a shell.

    Services that change data take an ``actor`` and ask the access layer themselves; a command has no signed-in
    user, so it passes ``system_actor(mission)`` explicitly, in the open, where a reader sees it. It may do what a
    superuser may, in that one mission. Never build it from a request: pages, the API and the admin always pass the
    requesting user's Actor.
    """
    return Actor(
        user_id=SYSTEM_USER_ID, mission_id=getattr(mission, "pk", mission), role=Role.HEAD_OF_MISSION, superuser=True
    )


def job_actor(requested_by, mission) -> Actor | None:
    """The Actor a background job runs as, when the worker picks it up.

    A job queued by a person runs as that person, with their role in the mission as it is now: one who lost the
    role since it was queued gets None, and the service refuses the job. A job no person queued (a management
    command, the beat schedule: ``requested_by`` is None) runs as the system Actor.
    """
    if requested_by is None:
        return system_actor(mission)
    return actor_for(requested_by, mission)


def forget_actors(user) -> None:
    """Drop the Actors cached on a user object (after their memberships change within one request or test)."""
    user.__dict__.pop("_access_actor_lists", None)
