"""A small mission with one of every actor, for the API tests; clients authenticate with tokens like scripts do."""

import copy
from dataclasses import dataclass, field

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from deployment.models import TeamAssignment
from missions.choices import AreaType
from observers.choices import MemberRole, TeamKind
from tests.factories import (
    MembershipFactory,
    MissionFactory,
    ObserverFactory,
    PollingStationFactory,
    RegionFactory,
    TecFactory,
    UserFactory,
    kazakhstan_2019,
    odihr_staff,
    team_with_members,
)
from tests.once import once_per_module


@dataclass
class World:
    mission: object
    other_mission: object
    north: object
    south: object
    north_tec: object
    south_tec: object
    north_station: object
    south_station: object
    lto_team: object
    sto_team: object
    other_sto_team: object
    users: dict = field(default_factory=dict)

    def client(self, name: str | None) -> APIClient:
        """An API client signed in with the named actor's token (anonymous for None)."""
        client = APIClient()
        if name is not None:
            token, _ = Token.objects.get_or_create(user=self.users[name])
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client


def core_member(mission, username, core_function, role=MemberRole.CORE_TEAM, nationality="SE"):
    user = UserFactory(username=username)
    MembershipFactory(
        mission=mission,
        role=role,
        core_function=core_function,
        observer=ObserverFactory(mission=mission, user=user, nationality=nationality),
    )
    return user


def build_world() -> World:
    """Kazakhstan 2019 in miniature: two regions, an LTO team in the north with one STO team, another STO team south."""
    mission = kazakhstan_2019()
    other_mission = MissionFactory(slug="ua-2019", name="Ukraine 2019", host_country="UA")
    north = RegionFactory(mission=mission, code="NKZ", name="North Kazakhstan")
    south = RegionFactory(mission=mission, code="TUR", name="Turkistan")
    north_tec = TecFactory(mission=mission, region=north, code="NKZ-01")
    south_tec = TecFactory(mission=mission, region=south, code="TUR-01")
    north_station = PollingStationFactory(tec=north_tec, number="N-101", area_type=AreaType.URBAN)
    south_station = PollingStationFactory(tec=south_tec, number="S-201", area_type=AreaType.RURAL)

    users = {
        "coordinator": core_member(mission, "coordinator", "lto_coordinator"),
        "analyst": core_member(mission, "analyst", "statistical_analyst"),
        "outsider": core_member(other_mission, "outsider", "lto_coordinator", nationality="DE"),
        "stranger": UserFactory(username="stranger"),
        "odihr": odihr_staff("odihr", mission, other_mission),
        "lto": UserFactory(username="lto"),
        "sto": UserFactory(username="sto"),
        "other_sto": UserFactory(username="other_sto"),
    }
    lto_team = team_with_members(mission=mission, kind=TeamKind.LTO, code="LTO-01", users=(users["lto"], None))
    lto_team.area_regions.set([north])
    sto_team = team_with_members(mission=mission, code="STO-001", lto_team=lto_team, users=(users["sto"], None))
    other_sto_team = team_with_members(
        mission=mission, code="STO-002", nationalities=("IT", "PL"), users=(users["other_sto"], None)
    )
    TeamAssignment.objects.create(team=sto_team, mission=mission, region=north)
    TeamAssignment.objects.create(team=other_sto_team, mission=mission, region=south)
    return World(
        mission=mission,
        other_mission=other_mission,
        north=north,
        south=south,
        north_tec=north_tec,
        south_tec=south_tec,
        north_station=north_station,
        south_station=south_station,
        lto_team=lto_team,
        sto_team=sto_team,
        other_sto_team=other_sto_team,
        users=users,
    )


@pytest.fixture(scope="module")
def world_once(request):
    return once_per_module(request, "world", build_world)


@pytest.fixture
def world(world_once, db) -> World:
    return copy.deepcopy(world_once) if world_once is not None else build_world()


def load_forms(mission) -> dict:
    from checklists.services import checklists_load_standard

    return {template.kind: template for template in checklists_load_standard(mission=mission)}


@pytest.fixture(scope="module")
def forms_once(request, world_once):
    return None if world_once is None else once_per_module(request, "forms", lambda: load_forms(world_once.mission))


@pytest.fixture
def forms(forms_once, world):
    """The standard checklists, published, in the world's mission."""
    return copy.deepcopy(forms_once) if forms_once is not None else load_forms(world.mission)
