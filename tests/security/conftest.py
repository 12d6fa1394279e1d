"""Two missions with real rows of every kind, and one named actor per role; the other mission is nobody's here.

Text that must never leak is marked: the other mission's places and people carry OTHER_MARKER, and the phone numbers
of the actors' own mission's observers are PERSONAL_MARKER (personal data: coordinators only).
"""

from __future__ import annotations

import copy
import shutil
import uuid
from dataclasses import dataclass, field

import pytest
from django.test import override_settings

from checklists.selectors import template_published
from checklists.services import checklists_load_standard
from deployment.models import PlanningJob, TeamAssignment
from observers.models import Observer
from reports.models import ExportLog, ReportRun
from reports.services import report_run_compile, report_run_create
from submissions.services import submission_record
from tests.checklists.factories import answers_for
from tests.factories import (
    MissionFactory,
    PollingStationFactory,
    RegionFactory,
    TecFactory,
    UserFactory,
    kazakhstan_2019,
    odihr_staff,
)
from tests.factories import team_with_members as make_team
from tests.observe.conftest import build_site
from tests.once import once_per_module

OTHER_MARKER = "Zanzibarium"
PERSONAL_MARKER = "+7 700 555 0199"
ROLES = ("anonymous", "outsider", "sto", "lto", "analyst", "coordinator", "odihr")


@dataclass
class Place:
    """One mission's rows that URLs are built from."""

    mission: object
    region: object
    tec: object
    station: object
    team: object  # the STO team (the sto actor's, in the actors' mission)
    lto_team: object
    observer: object
    membership: object
    template: object
    submission: object  # filed by `team`
    run: object  # compiled, embargoed
    published_run: object
    job: object
    export_log: object
    assignment: object


@dataclass
class World:
    """The actors' mission, another mission, and a user per role."""

    own: Place
    other: Place
    users: dict = field(default_factory=dict)


def _runs(mission) -> tuple[ReportRun, ReportRun]:
    """Two compiled runs of the mission's statistics: one still embargoed, one published."""
    runs = []
    for published in (False, True):
        run = report_run_create(mission=mission, kinds=["voting"])
        report_run_compile(run_id=run.pk)
        ReportRun.objects.filter(pk=run.pk).update(published=published)
        run.refresh_from_db()
        assert run.status == "done", run.error
        runs.append(run)
    return runs[0], runs[1]


def _place(*, mission, region, tec, station, team, lto_team, user) -> Place:
    template = template_published(mission=mission, kind="voting")
    payload = {"polling_station": station.pk, "answers": answers_for(template), "notes": f"Notes {mission.name}"}
    submission, _ = submission_record(user=user, mission=mission, uuid=uuid.uuid4(), template=template, payload=payload)
    run, published_run = _runs(mission)
    member = team.members.select_related("membership__observer").first().membership
    return Place(
        mission=mission,
        region=region,
        tec=tec,
        station=station,
        team=team,
        lto_team=lto_team,
        observer=member.observer,
        membership=member,
        template=template,
        submission=submission,
        run=run,
        published_run=published_run,
        job=PlanningJob.objects.create(mission=mission, kind="formation", status="done", progress=100),
        export_log=ExportLog.objects.create(mission=mission, what="deployment plan", format="csv", rows=1),
        assignment=TeamAssignment.objects.get(team=team),
    )


def _other_place() -> Place:
    mission = MissionFactory(slug="zz-2020", name="Ukraine 2020", host_country="UA")
    checklists_load_standard(mission=mission)
    region = RegionFactory(mission=mission, name=f"{OTHER_MARKER} region")
    tec = TecFactory(mission=mission, region=region, code="ZZ-01", name=f"{OTHER_MARKER} district")
    station = PollingStationFactory(mission=mission, region=region, tec=tec, number="9901", name=f"{OTHER_MARKER} 1")
    filer = UserFactory(username="other_mission_sto")
    lto_team = make_team(mission=mission, kind="lto", code="ZZ-LTO", nationalities=("NL", "BE"))
    lto_team.area_regions.set([region])
    team = make_team(mission=mission, code="ZZ-STO", nationalities=("AT", "CH"), users=(filer, None))
    TeamAssignment.objects.create(team=team, mission=mission, region=region)
    Observer.objects.filter(memberships__mission=mission).update(full_name=f"{OTHER_MARKER} observer")
    return _place(mission=mission, region=region, tec=tec, station=station, team=team, lto_team=lto_team, user=filer)


def build_world(mission) -> World:
    """The observers' site people and places, plus ODIHR staff, a stranger and a fully furnished other mission."""
    site = build_site(mission)
    Observer.objects.filter(memberships__mission=mission).update(phone=PERSONAL_MARKER)
    own = _place(
        mission=mission,
        region=site.region,
        tec=site.tec,
        station=site.opening_station,
        team=site.team,
        lto_team=site.lto_team,
        user=site.owner,
    )
    other = _other_place()
    odihr = odihr_staff("odihr", mission)
    users = {
        "anonymous": None,
        "outsider": UserFactory(username="stranger"),
        "sto": site.owner,
        "lto": site.lto,
        "analyst": site.analyst,
        "coordinator": site.coordinator,
        "odihr": odihr,
    }
    return World(own=own, other=other, users=users)


@pytest.fixture(scope="module")
def world_once(request, tmp_path_factory):
    """The world built once for the module, with the files its compiled runs wrote (copied into each test's)."""
    media = tmp_path_factory.mktemp("media")

    def build():
        with override_settings(MEDIA_ROOT=media):
            return build_world(kazakhstan_2019())

    built = once_per_module(request, "world", build)
    return None if built is None else (built, media)


@pytest.fixture
def world(world_once, mission, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path
    if world_once is None:
        return build_world(mission)
    built, media = world_once
    shutil.copytree(media, tmp_path, dirs_exist_ok=True)
    return copy.deepcopy(built)


@pytest.fixture(scope="module")
def two_once(request, tmp_path_factory):
    """The two missions built once for the module, with the files they wrote (copied into each test's)."""
    from tests.security.two_missions import build_two_missions

    media = tmp_path_factory.mktemp("media")

    def build():
        with override_settings(MEDIA_ROOT=media):
            return build_two_missions()

    built = once_per_module(request, "two", build)
    return None if built is None else (built, media)


@pytest.fixture
def two(two_once, db, settings, tmp_path):
    """Two missions with every role in each (tests/security/two_missions.py), for the write matrices and the attacks.

    While the test runs, WATCH sees the statements sent, so the write matrices fingerprint the database only after
    one that may write.
    """
    from tests.security.two_missions import WATCH, build_two_missions

    settings.MEDIA_ROOT = tmp_path
    if two_once is None:
        built = build_two_missions()
    else:
        built, media = two_once
        shutil.copytree(media, tmp_path, dirs_exist_ok=True)
        built = copy.deepcopy(built)
    with WATCH.installed():
        yield built
