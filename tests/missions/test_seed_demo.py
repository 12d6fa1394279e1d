import pytest
from django.core.management import call_command

from missions.models import Mission
from observers.choices import MemberRole, TeamKind
from observers.models import Membership, Observer, Team
from observers.selectors import seconding_state_figures
from observers.services import team_check
from synthetic.demo import DEMO_SLUG

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _snapshot():
    mission = Mission.objects.get(slug=DEMO_SLUG)
    return {
        "regions": mission.regions.count(),
        "tecs": mission.tecs.count(),
        "stations": mission.polling_stations.count(),
        "observers": Observer.objects.count(),
        "memberships": Membership.objects.filter(mission=mission).count(),
        "teams": sorted(Team.objects.filter(mission=mission).values_list("code", flat=True)),
        "forms": mission.submissions.count(),
    }


def _assert_shaped_like_the_2019_mission(seeded):
    mission = Mission.objects.get(slug=DEMO_SLUG)
    assert seeded["regions"] == 17
    assert seeded["stations"] >= 9900
    voters = sum(mission.polling_stations.values_list("registered_voters", flat=True))
    assert 11_500_000 < voters < 12_400_000
    members = Membership.objects.filter(mission=mission)
    assert members.filter(role=MemberRole.HEAD_OF_MISSION).count() == 1
    assert members.filter(role=MemberRole.CORE_TEAM).count() == 11
    assert members.filter(role=MemberRole.LTO).count() == 22
    assert members.filter(role=MemberRole.STO).count() == 300
    assert Team.objects.filter(mission=mission, kind=TeamKind.LTO).count() == 11
    assert Team.objects.filter(mission=mission, kind=TeamKind.STO).count() == 150


def _assert_teams_valid_and_lto_areas_cover_every_region_once():
    mission = Mission.objects.get(slug=DEMO_SLUG)
    for team in Team.objects.filter(mission=mission):
        assert team_check(team=team) == [], team.code
    covered = [
        region.code
        for team in Team.objects.filter(mission=mission, kind=TeamKind.LTO)
        for region in team.area_regions.all()
    ]
    assert sorted(covered) == sorted(mission.regions.values_list("code", flat=True))


def _assert_no_host_national_and_no_state_over_fifteen_percent():
    mission = Mission.objects.get(slug=DEMO_SLUG)
    assert not Membership.objects.filter(mission=mission, observer__nationality="KZ").exists()
    figures = seconding_state_figures(mission=mission)
    assert len(figures) >= 20
    assert not [row for row in figures if row["over_cap"]]


def test_seed_demo_builds_a_valid_2019_shaped_mission_and_a_second_run_adds_nothing():
    call_command("seed_demo")
    seeded = _snapshot()
    _assert_shaped_like_the_2019_mission(seeded)
    _assert_teams_valid_and_lto_areas_cover_every_region_once()
    _assert_no_host_national_and_no_state_over_fifteen_percent()
    assert seeded["forms"] > 1500
    call_command("seed_demo")
    assert _snapshot() == seeded
