"""Who may see what inside a mission: one place that turns a user into an Actor with a scope.

Scopes (DOMAIN.md, "What must be protected"):
- coordinators (core team in the coordinator group) and the head of mission: the whole mission, personal data included;
- analysts (core team in the analyst group) and the rest of the core team: every form, no personal data;
- LTOs: their team's area of responsibility; STOs: their own team;
- ODIHR staff: no mission scope; published report runs only (see reports).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser

from .choices import MemberRole, MemberStatus, RoleGroup, TeamKind


@dataclass(frozen=True)
class Actor:
    """A user acting inside one mission, with what they may see there."""

    user_id: int
    mission_id: int
    role: str  # "coordinator", "core", "analyst", "lto", "sto"
    membership_id: int | None = None
    team_id: int | None = None
    region_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def sees_whole_mission(self) -> bool:
        return self.role in {"coordinator", "core", "analyst"}

    @property
    def is_coordinator(self) -> bool:
        return self.role == "coordinator"

    @property
    def sees_personal_data(self) -> bool:
        return self.role == "coordinator"

    @property
    def sees_confidential_records(self) -> bool:
        return self.role in {"coordinator", "core", "analyst"}

    @property
    def is_observer(self) -> bool:
        return self.role in {"lto", "sto"}


def user_groups(user) -> set[str]:
    if not user or not user.is_authenticated:
        return set()
    cached = getattr(user, "_eom_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._eom_groups = cached
    return cached


def is_odihr_staff(user) -> bool:
    return RoleGroup.ODIHR_STAFF in user_groups(user)


def actor_for(user, mission) -> Actor | None:
    """The user's Actor in a mission, or None when they have no business there."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated or not user.is_active:
        return None
    mission_id = getattr(mission, "pk", mission)
    if user.is_superuser:
        return Actor(user_id=user.pk, mission_id=mission_id, role="coordinator")
    from .models import Membership, TeamMember

    membership = (
        Membership.objects.filter(mission_id=mission_id, observer__user=user)
        .exclude(status=MemberStatus.WITHDRAWN)
        .only("id", "role")
        .first()
    )
    if membership is None:
        return None
    groups = user_groups(user)
    if membership.role in (MemberRole.HEAD_OF_MISSION, MemberRole.CORE_TEAM):
        if membership.role == MemberRole.HEAD_OF_MISSION or RoleGroup.COORDINATOR in groups:
            role = "coordinator"
        elif RoleGroup.ANALYST in groups:
            role = "analyst"
        else:
            role = "core"
        return Actor(user_id=user.pk, mission_id=mission_id, role=role, membership_id=membership.pk)
    seat = (
        TeamMember.objects.filter(membership=membership).select_related("team").only("team__id", "team__kind").first()
    )
    team = seat.team if seat else None
    if team is None:
        region_ids: frozenset[int] = frozenset()
    elif membership.role == MemberRole.LTO:
        region_ids = frozenset(team.area_regions.values_list("id", flat=True))
    else:
        region_ids = frozenset(team.assignment_region_ids()) if team.kind == TeamKind.STO else frozenset()
    return Actor(
        user_id=user.pk,
        mission_id=mission_id,
        role="lto" if membership.role == MemberRole.LTO else "sto",
        membership_id=membership.pk,
        team_id=team.pk if team else None,
        region_ids=region_ids,
    )


def missions_for(user):
    """Missions the user has a scope in (superusers: all)."""
    from missions.models import Mission

    if not user or not user.is_authenticated:
        return Mission.objects.none()
    if user.is_superuser:
        return Mission.objects.all()
    from .models import Membership

    # One membership row must be both the user's and active: a chained exclude() over the relation is not.
    active = Membership.objects.filter(observer__user=user).exclude(status=MemberStatus.WITHDRAWN)
    return Mission.objects.filter(pk__in=active.values("mission_id"))
