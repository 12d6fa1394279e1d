"""A mission with the standard checklists, a planned election day for one STO team, and named actors."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass

import pytest

from checklists.selectors import template_published
from checklists.services import checklists_load_standard
from deployment.choices import VisitPurpose
from deployment.models import PlannedVisit, TeamAssignment
from observers.choices import MemberRole, TeamKind
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
    kazakhstan_2019,
    team_with_members,
)
from tests.once import once_per_module

PASSWORD = "correct horse battery"


@dataclass
class Site:
    """The people and places of the observers' site tests."""

    mission: object
    region: object
    other_region: object
    tec: object
    other_tec: object
    opening_station: object  # planned for opening and the first voting visit
    voting_station: object  # planned second voting visit and the count
    unplanned_station: object  # in the team's area, not in the plan
    other_station: object  # in another region
    team: object
    other_team: object
    lto_team: object
    other_lto_team: object
    owner: object  # STO of `team`
    teammate: object
    other_sto: object  # STO of `other_team`, elsewhere
    lto: object  # LTO of the team's area
    other_lto: object  # LTO of another area
    coordinator: object
    analyst: object
    outsider: object  # no membership in the mission

    def template(self, kind):
        return template_published(mission=self.mission, kind=kind)

    def payload(self, kind="voting", *, station=None, **answer_overrides) -> dict:
        payload: dict = {"answers": answers_for(self.template(kind), **answer_overrides)}
        if kind in ("opening", "voting", "counting"):
            payload["polling_station"] = (station or self.opening_station).pk
        if kind == "tabulation":
            payload["tec"] = self.tec.pk
        return payload

    def record(self, kind="voting", *, user=None, station=None, payload=None, **answer_overrides):
        submission, _ = submission_record(
            user=user or self.owner,
            mission=self.mission,
            uuid=uuid.uuid4(),
            template=self.template(kind),
            payload=payload if payload is not None else self.payload(kind, station=station, **answer_overrides),
        )
        return submission


def _core_user(mission, username, core_function):
    user = UserFactory(username=username)
    MembershipFactory(
        mission=mission,
        observer=ObserverFactory(mission=mission, user=user),
        role=MemberRole.CORE_TEAM,
        core_function=core_function,
    )
    return user


def build_site(mission) -> Site:
    checklists_load_standard(mission=mission)
    region = RegionFactory(mission=mission, name="Akmola")
    other_region = RegionFactory(mission=mission, name="Atyrau", time_zone="Asia/Atyrau")
    tec = TecFactory(mission=mission, region=region, code="TEC-01", name="Kokshetau city")
    other_tec = TecFactory(mission=mission, region=other_region, code="TEC-02", name="Atyrau city")
    opening_station = PollingStationFactory(mission=mission, region=region, tec=tec, number="101")
    voting_station = PollingStationFactory(mission=mission, region=region, tec=tec, number="102")
    unplanned_station = PollingStationFactory(mission=mission, region=region, tec=tec, number="150")
    other_station = PollingStationFactory(mission=mission, region=other_region, tec=other_tec, number="202")
    owner, teammate, other_sto = (UserFactory(username=name) for name in ("owner", "teammate", "other_sto"))
    lto, other_lto = (UserFactory(username=name) for name in ("lto", "other_lto"))
    lto_team = team_with_members(mission=mission, kind=TeamKind.LTO, code="LTO-01", users=(lto, None))
    lto_team.area_regions.set([region])
    other_lto_team = team_with_members(mission=mission, kind=TeamKind.LTO, code="LTO-02", users=(other_lto, None))
    other_lto_team.area_regions.set([other_region])
    team = team_with_members(mission=mission, code="STO-001", users=(owner, teammate), lto_team=lto_team)
    other_team = team_with_members(mission=mission, code="STO-002", users=(other_sto, None), lto_team=other_lto_team)
    assignment = TeamAssignment.objects.create(team=team, mission=mission, region=region, tabulation_tec=tec)
    assignment.tecs.set([tec])
    PlannedVisit.objects.create(
        assignment=assignment, polling_station=opening_station, purpose=VisitPurpose.OPENING, order=0
    )
    PlannedVisit.objects.create(
        assignment=assignment, polling_station=opening_station, purpose=VisitPurpose.VOTING, order=1
    )
    PlannedVisit.objects.create(
        assignment=assignment, polling_station=voting_station, purpose=VisitPurpose.VOTING, order=2
    )
    PlannedVisit.objects.create(
        assignment=assignment, polling_station=voting_station, purpose=VisitPurpose.COUNTING, order=0
    )
    TeamAssignment.objects.create(team=other_team, mission=mission, region=other_region)
    other_mission = MissionFactory(slug="elsewhere-2020", name="Elsewhere 2020")
    outsider = UserFactory(username="outsider")
    team_with_members(mission=other_mission, code="STO-900", users=(outsider, None))
    return Site(
        mission=mission,
        region=region,
        other_region=other_region,
        tec=tec,
        other_tec=other_tec,
        opening_station=opening_station,
        voting_station=voting_station,
        unplanned_station=unplanned_station,
        other_station=other_station,
        team=team,
        other_team=other_team,
        lto_team=lto_team,
        other_lto_team=other_lto_team,
        owner=owner,
        teammate=teammate,
        other_sto=other_sto,
        lto=lto,
        other_lto=other_lto,
        coordinator=_core_user(mission, "coordinator", "lto_coordinator"),
        analyst=_core_user(mission, "analyst", "statistical_analyst"),
        outsider=outsider,
    )


@pytest.fixture(scope="module")
def site_once(request):
    return once_per_module(request, "site", lambda: build_site(kazakhstan_2019()))


@pytest.fixture
def site(site_once, mission):
    return copy.deepcopy(site_once) if site_once is not None else build_site(mission)


@pytest.fixture
def as_user(client):
    """Log the client in as one of the site's people (or stay anonymous with None)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login
