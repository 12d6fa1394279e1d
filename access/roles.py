"""Roles a person holds in one mission, and how they rank; a role is always held in a mission, never globally."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user is in one mission: worked out from their membership (or a follower grant) there."""

    HEAD_OF_MISSION = "head_of_mission", _("Head of mission")
    COORDINATOR = "coordinator", _("Coordinator (core team)")
    ANALYST = "analyst", _("Analyst (core team)")
    CORE = "core", _("Core team")
    LTO = "lto", _("Long-term observer")
    STO = "sto", _("Short-term observer")
    ODIHR_STAFF = "odihr_staff", _("ODIHR staff (follows the mission, read-only)")


# Higher ranks include what lower ranks may do to the roster; nobody grants a role ranked above their own.
RANK = {
    Role.ODIHR_STAFF: 0,
    Role.STO: 1,
    Role.LTO: 2,
    Role.CORE: 3,
    Role.ANALYST: 3,
    Role.COORDINATOR: 4,
    Role.HEAD_OF_MISSION: 5,
}

WHOLE_MISSION = frozenset({Role.HEAD_OF_MISSION, Role.COORDINATOR, Role.ANALYST, Role.CORE})
COORDINATING = frozenset({Role.HEAD_OF_MISSION, Role.COORDINATOR})
PUBLISHING = frozenset({Role.HEAD_OF_MISSION, Role.ANALYST})
OBSERVING = frozenset({Role.LTO, Role.STO})

# Core team functions (observers.choices.CoreFunction values) that make a core team member a coordinator or an
# analyst in that mission. Everything else in the core team (security, operations, other) is "core".
COORDINATOR_FUNCTIONS = frozenset({"deputy_head", "lto_coordinator"})
ANALYST_FUNCTIONS = frozenset(
    {"election_analyst", "political_analyst", "legal_analyst", "media_analyst", "statistical_analyst"}
)


def role_of_membership(member_role: str, core_function: str) -> Role:
    """The Role a membership row (its MemberRole and core team function) gives in its mission."""
    if member_role == "head_of_mission":
        return Role.HEAD_OF_MISSION
    if member_role == "core_team":
        if core_function in COORDINATOR_FUNCTIONS:
            return Role.COORDINATOR
        if core_function in ANALYST_FUNCTIONS:
            return Role.ANALYST
        return Role.CORE
    if member_role == "lto":
        return Role.LTO
    return Role.STO  # STOs and parliamentarians, who deploy like STOs


def may_grant(granter: Role | str, granted: Role | str) -> bool:
    """Whether someone holding `granter` may give `granted` to another person: never above their own rank.

    The head of mission is appointed, not granted: only a superuser makes someone head of mission.
    """
    if granted == Role.HEAD_OF_MISSION:
        return False
    return RANK[Role(granted)] <= RANK[Role(granter)]
