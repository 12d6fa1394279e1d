"""The demo mission, shaped like ODIHR's 2019 mission to Kazakhstan: fictional people, plausible geography.

Everything is derived from a fixed seed, so every run produces the same data, and rows are keyed (region code, TEC
code, station number, observer e-mail, team code), so a second run adds nothing. It is the generator's full-size
mission (synthetic.structure, synthetic.election_day) with the demo's own logins.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from access import Role, system_actor
from checklists.services import checklists_load_standard
from deployment.services import deployment_plan
from missions.models import Mission
from observers.choices import MemberRole, TeamKind
from observers.models import Follower, Membership, Observer, Team, TeamMember

from .election_day import election_day_generate
from .structure import geography_generate, mission_create, roster_generate, teams_generate

DEMO_SLUG = "kz-2019"
DEMO_PASSWORD = "observe-kz-2019"  # noqa: S105 -- demo database only; printed by `manage.py demo_logins`
SEED = 2019

DEMO_USERS = [
    # username, role in the mission, who, description
    ("hom", Role.HEAD_OF_MISSION, "head_of_mission", "Head of mission: the whole mission, signs off statistics"),
    ("coordinator", Role.COORDINATOR, "lto_coordinator", "LTO coordinator: the coordinators' admin"),
    ("analyst", Role.ANALYST, "statistical_analyst", "Statistical analyst: every form, compilations"),
    ("lto", Role.LTO, "LTO-01", "Long-term observer in LTO-01 (Nur-Sultan and Akmola)"),
    ("sto", Role.STO, "STO-001", "Short-term observer in STO-001"),
    ("odihr", Role.ODIHR_STAFF, None, "ODIHR staff: published statistics of the missions they follow"),
]


@dataclass
class DemoSummary:
    """What the demo mission holds after seeding."""

    mission: Mission
    regions: int
    stations: int
    ltos: int
    stos: int
    lto_teams: int
    sto_teams: int
    forms: int


def _users(mission: Mission) -> None:
    user_model = get_user_model()
    core = {m.core_function: m for m in Membership.objects.filter(mission=mission, role=MemberRole.CORE_TEAM)}
    hom = Membership.objects.get(mission=mission, role=MemberRole.HEAD_OF_MISSION)
    for username, role, who, _description in DEMO_USERS:
        user, created = user_model.objects.get_or_create(username=username)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if role == Role.ODIHR_STAFF:
            Follower.objects.get_or_create(mission=mission, user=user)
        membership = None
        if who == "head_of_mission":
            membership = hom
        elif who in core:
            membership = core[who]
        elif who:
            seat = (
                TeamMember.objects.filter(team__mission=mission, team__code=who)
                .select_related("membership__observer")
                .order_by("membership__observer__email")
                .first()
            )
            membership = seat.membership if seat else None
        if membership is not None and membership.observer.user_id != user.pk:
            # One record per login in a mission; the login's records in other missions stay linked.
            Observer.objects.filter(user=user, mission=mission).exclude(pk=membership.observer_id).update(user=None)
            membership.observer.user = user
            membership.observer.save(update_fields=["user"])


@transaction.atomic
def demo_mission_seed() -> DemoSummary:
    """Create (or complete) the demo mission; running it again changes nothing."""
    mission = mission_create(slug=DEMO_SLUG)
    geography_generate(mission, seed=SEED)
    roster_generate(mission, seed=SEED + 1, email_domain="observers.example")
    teams_generate(mission, seed=SEED)
    _users(mission)
    # Checklists, the deployment plan and a plausible election day, from the apps that own them.
    checklists_load_standard(mission=mission)
    if not mission.assignments.exists():
        deployment_plan(actor=system_actor(mission), mission=mission, seed=SEED)
    election_day_generate(mission=mission, seed=SEED)
    return demo_summary(mission)


def demo_summary(mission: Mission) -> DemoSummary:
    """Counts of what a mission holds, as `seed_demo` prints them."""
    memberships = Membership.objects.filter(mission=mission)
    teams = Team.objects.filter(mission=mission)
    return DemoSummary(
        mission=mission,
        regions=mission.regions.count(),
        stations=mission.polling_stations.count(),
        ltos=memberships.filter(role=MemberRole.LTO).count(),
        stos=memberships.filter(role=MemberRole.STO).count(),
        lto_teams=teams.filter(kind=TeamKind.LTO).count(),
        sto_teams=teams.filter(kind=TeamKind.STO).count(),
        forms=mission.submissions.count(),
    )
