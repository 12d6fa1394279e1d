import pytest

from deployment.selectors import region_team_counts
from observers.access import missions_for
from observers.choices import MemberStatus, TeamKind
from tests.factories import (
    MembershipFactory,
    MissionFactory,
    ObserverFactory,
    PollingStationFactory,
    RegionFactory,
    UserFactory,
    team_with_members,
)

pytestmark = pytest.mark.django_db


def test_a_withdrawal_from_one_mission_leaves_the_others_in_scope():
    user = UserFactory(username="twice")
    active, left = MissionFactory(slug="active"), MissionFactory(slug="left")
    MembershipFactory(mission=active, observer=ObserverFactory(mission=active, user=user))
    MembershipFactory(mission=left, observer=ObserverFactory(mission=left, user=user), status=MemberStatus.WITHDRAWN)
    assert list(missions_for(user)) == [active]


def test_teams_per_region_counts_each_relation_without_multiplying_them(mission):
    north, south = RegionFactory(mission=mission, name="North"), RegionFactory(mission=mission, name="South")
    for _ in range(3):
        PollingStationFactory(tec__region=north)
    lto = team_with_members(mission=mission, kind=TeamKind.LTO, code="LTO-01")
    lto.area_regions.set([north, south])
    from deployment.models import TeamAssignment

    for code in ("STO-001", "STO-002"):
        TeamAssignment.objects.create(team=team_with_members(mission=mission, code=code), mission=mission, region=north)
    figures = {
        row["region"].name: (row["lto_teams"], row["sto_teams"], row["stations"])
        for row in region_team_counts(mission=mission)
    }
    assert figures == {"North": (1, 2, 3), "South": (1, 0, 0)}
