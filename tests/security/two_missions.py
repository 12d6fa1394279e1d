"""Two missions furnished alike, each with a user in every role, for the write matrix and the attack tests.

Mission "a" and mission "b" each hold: two regions with a TEC and two stations each, an LTO team (area: the first
region) and an STO team planned there, two unteamed STOs, the standard checklists, a form filed by the STO team,
an embargoed compiled run, a planning job and an incident case. The users of a mission are named after it
(``a_coordinator``, ``b_sto``, ...); ``a_odihr`` and ``b_odihr`` follow their mission only, ``odihr`` follows both
missions, ``outsider`` holds no role anywhere.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection

from access.rules import KINDS
from checklists.selectors import template_published
from checklists.services import checklists_load_standard
from deployment.choices import VisitPurpose
from deployment.models import PlannedVisit, PlanningJob, TeamAssignment
from observers.choices import MemberRole, TeamKind
from reports.models import ReportRun
from submissions.services import submission_record
from tests.checklists.factories import answers_for
from tests.factories import (
    MembershipFactory,
    MissionFactory,
    ObserverFactory,
    PollingStationFactory,
    RegionFactory,
    TecFactory,
    UserFactory,
    odihr_staff,
    team_with_members,
)

MISSION_ROLES = ("hom", "coordinator", "analyst", "core", "lto", "sto")
# How each role is held: (MemberRole, core function).
HELD = {
    "hom": (MemberRole.HEAD_OF_MISSION, ""),
    "coordinator": (MemberRole.CORE_TEAM, "lto_coordinator"),
    "analyst": (MemberRole.CORE_TEAM, "statistical_analyst"),
    "core": (MemberRole.CORE_TEAM, "security_expert"),
}
NATIONALITIES = {
    "a": ("DE", "FR", "SE", "NO", "FI", "DK", "AT", "CH", "BE", "NL"),
    "b": ("IT", "ES", "PT", "IE", "PL", "CZ", "SK", "SI", "HR", "EE"),
}


@dataclass
class Side:
    """One mission's rows that requests are built from."""

    key: str
    mission: object
    region: object
    other_region: object
    tec: object
    station: object
    lto_team: object
    sto_team: object
    spares: list  # two unteamed STO memberships
    memberships: dict  # role -> the membership of that role's user
    template: object
    submission: object
    run: object
    job: object
    case: object


@dataclass
class TwoMissions:
    a: Side
    b: Side
    users: dict = field(default_factory=dict)  # "a_coordinator", ..., "odihr", "outsider"

    def side(self, key: str) -> Side:
        return self.a if key == "a" else self.b

    def other(self, key: str) -> Side:
        return self.b if key == "a" else self.a


def _side(key: str, users: dict) -> Side:
    from incidents.models import Case

    nationality = iter(NATIONALITIES[key])
    mission = MissionFactory(slug=f"mission-{key}", name=f"Mission {key.upper()}", host_country="KZ")
    checklists_load_standard(mission=mission)
    region = RegionFactory(mission=mission, code=f"{key.upper()}1", name=f"Region {key.upper()} one")
    other_region = RegionFactory(mission=mission, code=f"{key.upper()}2", name=f"Region {key.upper()} two")
    tec = TecFactory(mission=mission, region=region, code=f"{key.upper()}-T1")
    other_tec = TecFactory(mission=mission, region=other_region, code=f"{key.upper()}-T2")
    station = PollingStationFactory(mission=mission, region=region, tec=tec, number="1")
    PollingStationFactory(mission=mission, region=region, tec=tec, number="2")
    PollingStationFactory(mission=mission, region=other_region, tec=other_tec, number="1")
    memberships = {}
    for role, (member_role, function) in HELD.items():
        user = UserFactory(username=f"{key}_{role}")
        users[f"{key}_{role}"] = user
        memberships[role] = MembershipFactory(
            mission=mission,
            observer=ObserverFactory(mission=mission, user=user, nationality=next(nationality)),
            role=member_role,
            core_function=function,
        )
    lto, sto = UserFactory(username=f"{key}_lto"), UserFactory(username=f"{key}_sto")
    users[f"{key}_lto"], users[f"{key}_sto"] = lto, sto
    lto_team = team_with_members(
        mission=mission, kind=TeamKind.LTO, code=f"{key.upper()}-LTO", nationalities=("GB", "US"), users=(lto, None)
    )
    lto_team.area_regions.set([region])
    sto_team = team_with_members(
        mission=mission, code=f"{key.upper()}-STO", nationalities=("CA", "JP"), users=(sto, None), lto_team=lto_team
    )
    memberships["lto"] = lto_team.members.get(membership__observer__user=lto).membership
    memberships["sto"] = sto_team.members.get(membership__observer__user=sto).membership
    assignment = TeamAssignment.objects.create(team=sto_team, mission=mission, region=region, tabulation_tec=tec)
    assignment.tecs.set([tec])
    PlannedVisit.objects.create(assignment=assignment, polling_station=station, purpose=VisitPurpose.VOTING, order=1)
    spares = [
        MembershipFactory(
            mission=mission, observer=ObserverFactory(mission=mission, nationality=code), role=MemberRole.STO
        )
        for code in ("AU", "NZ")
    ]
    template = template_published(mission=mission, kind="voting")
    payload = {"polling_station": station.pk, "answers": answers_for(template), "urgent": True}
    submission, _ = submission_record(user=sto, mission=mission, uuid=uuid.uuid4(), template=template, payload=payload)
    run = ReportRun.objects.create(mission=mission, kinds=["voting"], status="done", progress=100)
    job = PlanningJob.objects.create(mission=mission, kind="form_teams", status="done", progress=100)
    case = Case.objects.filter(submission=submission).first() or Case.objects.create(
        mission=mission, submission=submission
    )
    return Side(
        key=key,
        mission=mission,
        region=region,
        other_region=other_region,
        tec=tec,
        station=station,
        lto_team=lto_team,
        sto_team=sto_team,
        spares=spares,
        memberships=memberships,
        template=template,
        submission=submission,
        run=run,
        job=job,
        case=case,
    )


def build_two_missions() -> TwoMissions:
    users: dict = {}
    a = _side("a", users)
    b = _side("b", users)
    users["odihr"] = odihr_staff("odihr", a.mission, b.mission)
    # ODIHR staff following one mission only: the other mission is as foreign to them as to its outsiders.
    users["a_odihr"] = odihr_staff("a_odihr", a.mission)
    users["b_odihr"] = odihr_staff("b_odihr", b.mission)
    users["outsider"] = UserFactory(username="outsider")
    return TwoMissions(a=a, b=b, users=users)


ROLES = tuple(f"{key}_{role}" for key in ("a", "b") for role in (*MISSION_ROLES, "odihr")) + ("odihr", "outsider")


def home(role: str) -> str:
    """The mission a role's user holds it in ("a" for those who hold none)."""
    return role[0] if role[:2] in ("a_", "b_") else "a"


def role_name(role: str) -> str:
    return role[2:] if role[:2] in ("a_", "b_") else role


# ------------------------------------------------------------------------------------------------ the database


def _mission_lookup(label: str) -> str:
    path = KINDS[label].mission
    return "pk" if path == "pk" else path


def fingerprint() -> dict[int | None, str]:
    """A digest of every mission-scoped row, per mission: what a write changed, and in which mission."""
    digests: dict[int | None, hashlib._Hash] = {}
    labels = [*KINDS, "incidents.case", "incidents.casenote"]
    for label in labels:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        lookup = (
            _mission_lookup(label)
            if label in KINDS
            else ("mission_id" if label == "incidents.case" else "case__mission_id")
        )
        names = [f.attname for f in model._meta.concrete_fields]
        for row in model._default_manager.order_by("pk").values_list(lookup, *names):
            digest = digests.setdefault(row[0], hashlib.sha256())
            digest.update(f"{label}{row[1:]!r}".encode())
    return {mission: digest.hexdigest() for mission, digest in digests.items()}


class Watch:
    """The database's fingerprint, taken again only when a statement that may write has run since the last one.

    Installed on the connection (`installed`), it sees every statement the test's code sends, the requests' and
    their tasks' included: a request that only reads leaves the database as it was, so the fingerprint taken before
    it stands for after it too, and a block rolled back (`restored`) leaves the one taken before the block. Anything
    but a SELECT, a SAVEPOINT or a RELEASE counts as a write. Not installed, every call fingerprints the database.
    """

    def __init__(self):
        self.writes = 0  # statements that may have written while installed
        self._taken: tuple[int, dict] | None = None  # (writes then, fingerprint)

    def __call__(self, execute, sql, params, many, context):
        if not sql.lstrip()[:10].upper().startswith(("SELECT", "SAVEPOINT", "RELEASE")):
            self.writes += 1
        return execute(sql, params, many, context)

    @contextlib.contextmanager
    def installed(self):
        self.writes, self._taken = 0, None
        try:
            with connection.execute_wrapper(self):
                yield self
        finally:
            self.writes, self._taken = 0, None

    def _watching(self) -> bool:
        return any(wrapper is self for wrapper in connection.execute_wrappers)

    def fingerprint(self) -> dict[int | None, str]:
        if not self._watching():
            return fingerprint()
        if self._taken is None or self._taken[0] != self.writes:
            self._taken = (self.writes, fingerprint())
        return self._taken[1]

    def restored(self, taken: dict[int | None, str]) -> None:
        """The block since `taken` was rolled back: the database is again the one `taken` was taken of."""
        if self._watching():
            self._taken = (self.writes, taken)


WATCH = Watch()
