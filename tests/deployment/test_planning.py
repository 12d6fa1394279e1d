from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from access import system_actor
from deployment.choices import VisitPurpose
from deployment.models import PlannedVisit, TeamAssignment
from deployment.selectors import plan_review
from deployment.services import deployment_plan, teams_form
from jobs.notices import notice_texts
from missions.choices import AreaType
from observers.choices import MemberRole, TeamKind
from observers.models import Team
from tests.deployment.builders import geography, roster

pytestmark = pytest.mark.django_db

LAYOUT = {
    "Akmola": [(40, 0.3), (30, 0.0), (30, 0.2)],
    "Aktobe": [(35, 0.5), (25, 0.1)],
    "Atyrau": [(20, 0.6), (15, 0.0)],
    "Mangystau": [(25, 0.5)],
    "Nur-Sultan City": [(60, 1.0)],
    "Karaganda": [(50, 0.6), (40, 0.2), (20, 0.0)],
}
NEIGHBOURS = [("Akmola", "Nur-Sultan City"), ("Akmola", "Karaganda"), ("Atyrau", "Mangystau"), ("Aktobe", "Atyrau")]


@pytest.fixture
def planned_mission(mission):
    geography(mission, LAYOUT, neighbours=NEIGHBOURS)
    roster(mission, 8, role=MemberRole.LTO)
    roster(mission, 40)
    teams_form(actor=system_actor(mission), mission=mission, kind="all", seed=1)
    return mission


def _routes(mission):
    routes = {}
    for assignment in TeamAssignment.objects.filter(mission=mission).prefetch_related("visits", "tecs"):
        routes[assignment.team_id] = sorted(
            (visit.purpose, visit.order, visit.polling_station_id) for visit in assignment.visits.all()
        )
    return routes


def test_every_region_lies_in_exactly_one_lto_area(planned_mission):
    deployment_plan(actor=system_actor(planned_mission), mission=planned_mission, seed=1)
    owners = Counter(
        Team.area_regions.through.objects.filter(team__mission=planned_mission).values_list("region_id", flat=True)
    )
    assert set(owners) == set(planned_mission.regions.values_list("id", flat=True))
    assert set(owners.values()) == {1}
    assert all(team.base_city for team in Team.objects.filter(kind=TeamKind.LTO))


def test_lto_areas_group_neighbouring_regions(planned_mission):
    result = deployment_plan(actor=system_actor(planned_mission), mission=planned_mission, seed=1)
    areas = [set(area["regions"]) for area in result.lto_areas]
    assert len(areas) == 4
    assert {"Atyrau", "Mangystau"} in areas or any({"Atyrau", "Mangystau"} <= area for area in areas)


def test_each_sto_team_gets_ten_voting_stations_an_opening_and_a_count_in_its_area(planned_mission):
    deployment_plan(actor=system_actor(planned_mission), mission=planned_mission, seed=1)
    assignments = TeamAssignment.objects.filter(mission=planned_mission).prefetch_related(
        "visits__polling_station", "tecs"
    )
    assert assignments.count() == 20
    for assignment in assignments:
        visits = list(assignment.visits.all())
        voting = sorted((v for v in visits if v.purpose == VisitPurpose.VOTING), key=lambda v: v.order)
        opening = [v for v in visits if v.purpose == VisitPurpose.OPENING]
        counting = [v for v in visits if v.purpose == VisitPurpose.COUNTING]
        assert len(voting) == 10 and len(opening) == 1 and len(counting) == 1
        assert opening[0].polling_station_id == voting[0].polling_station_id
        assert counting[0].polling_station_id == voting[-1].polling_station_id
        area = {tec.pk for tec in assignment.tecs.all()}
        assert all(
            v.polling_station.tec_id in area and v.polling_station.region_id == assignment.region_id for v in visits
        )
        assert assignment.tabulation_tec_id == counting[0].polling_station.tec_id
        assert assignment.quota is not None and "largest remainder" in assignment.reason_text
        team = assignment.team
        assert team.lto_team.area_regions.filter(pk=assignment.region_id).exists()


def test_team_counts_per_region_stay_within_one_of_the_proportional_quota(planned_mission):
    result = deployment_plan(actor=system_actor(planned_mission), mission=planned_mission, seed=1)
    for row in result.regions:
        assert abs(row["teams"] - row["quota"]) <= 1, row
        assert row["teams"] >= 1
    assert sum(row["teams"] for row in result.regions) == 20


def test_every_region_gets_a_team_when_there_are_as_many_teams_as_regions(mission):
    geography(mission, {"Big": [(500, 0.5)], "Small": [(12, 0.5)], "Tiny": [(11, 0.0)]})
    roster(mission, 6)
    teams_form(actor=system_actor(mission), mission=mission, kind="sto", seed=1)
    result = deployment_plan(actor=system_actor(mission), mission=mission, seed=1)
    assert sorted(row["teams"] for row in result.regions) == [1, 1, 1]


def test_no_station_is_planned_for_two_teams(planned_mission):
    deployment_plan(actor=system_actor(planned_mission), mission=planned_mission, seed=1)
    voting = PlannedVisit.objects.filter(assignment__mission=planned_mission, purpose=VisitPurpose.VOTING)
    stations = list(voting.values_list("polling_station_id", flat=True))
    assert len(stations) == len(set(stations)) == 200


def test_stations_are_shared_only_when_teams_outnumber_them(mission):
    geography(mission, {"Only": [(6, 0.5)]})
    roster(mission, 4)
    teams_form(actor=system_actor(mission), mission=mission, kind="sto", seed=1)
    result = deployment_plan(actor=system_actor(mission), mission=mission, route_length=4, seed=1)
    assert result.planned == 2
    review = plan_review(mission=mission)
    assert review["stations_planned_twice"]
    assert any("planned for more than one team" in warning for warning in review["warnings"])


def test_routes_follow_the_regions_urban_rural_mix(planned_mission):
    deployment_plan(actor=system_actor(planned_mission), mission=planned_mission, seed=1)
    review = plan_review(mission=planned_mission)
    for row in review["regions"]:
        if row["planned_visits"]:
            assert abs(row["planned_urban_share"] - row["urban_share"]) <= 0.15, row


def test_the_plan_is_deterministic_for_a_seed(planned_mission):
    deployment_plan(actor=system_actor(planned_mission), mission=planned_mission, seed=7)
    first = _routes(planned_mission)
    TeamAssignment.objects.all().delete()
    deployment_plan(actor=system_actor(planned_mission), mission=planned_mission, seed=7)
    assert _routes(planned_mission) == first


def test_planning_again_moves_nothing_when_nothing_changed(planned_mission):
    deployment_plan(actor=system_actor(planned_mission), mission=planned_mission, seed=1)
    before = _routes(planned_mission)
    areas = sorted(Team.area_regions.through.objects.values_list("team_id", "region_id"))
    again = deployment_plan(actor=system_actor(planned_mission), mission=planned_mission, seed=42)
    assert (again.planned, again.moved, again.kept) == (0, 0, 20)
    assert _routes(planned_mission) == before
    assert sorted(Team.area_regions.through.objects.values_list("team_id", "region_id")) == areas


def test_planning_again_only_fills_in_what_is_missing(planned_mission):
    deployment_plan(actor=system_actor(planned_mission), mission=planned_mission, seed=1)
    before = _routes(planned_mission)
    missing = TeamAssignment.objects.order_by("team__code").first()
    missing_team = missing.team_id
    missing.delete()
    again = deployment_plan(actor=system_actor(planned_mission), mission=planned_mission, seed=1)
    assert (again.planned, again.kept) == (1, 19)
    after = _routes(planned_mission)
    assert {k: v for k, v in after.items() if k != missing_team} == {
        k: v for k, v in before.items() if k != missing_team
    }


def test_locked_assignments_and_teams_survive_planning_again(planned_mission):
    deployment_plan(actor=system_actor(planned_mission), mission=planned_mission, seed=1)
    locked_assignment = TeamAssignment.objects.order_by("team__code").first()
    locked_assignment.locked = True
    locked_assignment.save()
    locked_team = Team.objects.filter(kind=TeamKind.STO).order_by("-code").first()
    locked_team.locked = True
    locked_team.save()
    lto = Team.objects.filter(kind=TeamKind.LTO).order_by("code").first()
    lto.locked = True
    lto.save()
    lto_area = set(lto.area_regions.values_list("id", flat=True))
    before = _routes(planned_mission)
    # Wipe every unlocked assignment and area: planning again must rebuild around the locked ones.
    TeamAssignment.objects.filter(locked=False).exclude(team=locked_team).delete()
    Team.area_regions.through.objects.exclude(team=lto).delete()
    result = deployment_plan(actor=system_actor(planned_mission), mission=planned_mission, seed=99)
    after = _routes(planned_mission)
    assert after[locked_assignment.team_id] == before[locked_assignment.team_id]
    assert after[locked_team.pk] == before[locked_team.pk]
    assert set(lto.area_regions.values_list("id", flat=True)) == lto_area
    assert result.locked == 2
    assert TeamAssignment.objects.count() == 20


def test_a_shrinking_quota_moves_only_the_surplus(planned_mission):
    deployment_plan(actor=system_actor(planned_mission), mission=planned_mission, seed=1)
    region = planned_mission.regions.get(name="Karaganda")
    # Half of Karaganda's stations move to Akmola: its quota falls, a team or two must leave.
    from missions.models import PollingStation

    akmola = planned_mission.regions.get(name="Akmola")
    akmola_tec = akmola.tecs.first()
    karaganda_free = PollingStation.objects.filter(region=region, planned_visits__isnull=True)[:60]
    PollingStation.objects.filter(pk__in=[s.pk for s in karaganda_free]).update(region=akmola, tec=akmola_tec)
    result = deployment_plan(actor=system_actor(planned_mission), mission=planned_mission, seed=1)
    assert result.moved >= 1
    assert result.kept + result.moved + result.planned - result.moved == 20
    assert result.kept >= 20 - result.moved - 1


def test_planning_refuses_bad_input_with_a_clear_message_and_changes_nothing(planned_mission):
    with pytest.raises(ValidationError, match="Unknown planning basis"):
        deployment_plan(actor=system_actor(planned_mission), mission=planned_mission, basis="people")
    with pytest.raises(ValidationError, match="route length must be a whole number from 1 to 40"):
        deployment_plan(actor=system_actor(planned_mission), mission=planned_mission, route_length=0)
    assert not TeamAssignment.objects.exists()


def test_planning_refuses_a_mission_without_geography(mission):
    with pytest.raises(ValidationError, match="has no regions yet"):
        deployment_plan(actor=system_actor(mission), mission=mission)


def test_planning_by_voters_weighs_regions_by_registered_voters(planned_mission):
    from missions.models import PollingStation

    PollingStation.objects.filter(region__name="Mangystau").update(registered_voters=20000)
    result = deployment_plan(actor=system_actor(planned_mission), mission=planned_mission, basis="voters", seed=1)
    rows = {row["region"]: row for row in result.regions}
    assert rows["Mangystau"]["teams"] == max(row["teams"] for row in result.regions)
    for row in result.regions:
        assert abs(row["teams"] - row["quota"]) <= 1


def test_the_review_warns_about_regions_without_teams_and_interpreters(planned_mission):
    review = plan_review(mission=planned_mission)
    assert any("have no assignment yet" in warning for warning in review["warnings"])
    assert any("lies in no LTO area" in warning for warning in review["warnings"])
    deployment_plan(actor=system_actor(planned_mission), mission=planned_mission, seed=1)
    Team.objects.filter(code="STO-001").update(needs_interpreter=True)
    review = plan_review(mission=planned_mission)
    assert review["assigned"] == 20
    assert any("need an interpreter" in warning and "STO-001" in warning for warning in review["warnings"])
    assert not any("lies in no LTO area" in warning for warning in review["warnings"])
    assert all(row["within_quota"] for row in review["regions"])


def test_planning_takes_a_constant_number_of_queries(mission, django_assert_max_num_queries):
    geography(mission, {"North": [(200, 0.5), (200, 0.4)], "South": [(200, 0.2)]})
    roster(mission, 4, role=MemberRole.LTO)
    roster(mission, 60)
    teams_form(actor=system_actor(mission), mission=mission, kind="all", seed=1)
    with django_assert_max_num_queries(40):
        deployment_plan(actor=system_actor(mission), mission=mission, seed=1)
    with django_assert_max_num_queries(40):
        plan_review(mission=mission)


def test_plan_queries_do_not_grow_with_the_number_of_teams(mission):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    geography(mission, {"North": [(200, 0.5), (200, 0.4)], "South": [(200, 0.2)]})
    roster(mission, 4, role=MemberRole.LTO)
    roster(mission, 10)
    teams_form(actor=system_actor(mission), mission=mission, kind="all", seed=1)
    with CaptureQueriesContext(connection) as small:
        deployment_plan(actor=system_actor(mission), mission=mission, seed=1)
    TeamAssignment.objects.all().delete()
    roster(mission, 50)
    teams_form(actor=system_actor(mission), mission=mission, kind="sto", seed=1)
    with CaptureQueriesContext(connection) as large:
        deployment_plan(actor=system_actor(mission), mission=mission, seed=1)
    assert len(large) <= len(small)


def test_urban_and_rural_stations_both_appear_in_a_mixed_region(planned_mission):
    deployment_plan(actor=system_actor(planned_mission), mission=planned_mission, seed=1)
    karaganda = PlannedVisit.objects.filter(
        assignment__region__name="Karaganda", purpose=VisitPurpose.VOTING
    ).values_list("polling_station__area_type", flat=True)
    assert set(karaganda) == {AreaType.URBAN, AreaType.RURAL}


def test_the_review_warns_when_lto_areas_are_imbalanced(mission):
    geography(mission, {"Big": [(300, 0.5)], "Small": [(10, 0.5)], "Smaller": [(10, 0.5)]})
    roster(mission, 6, role=MemberRole.LTO)
    teams_form(actor=system_actor(mission), mission=mission, kind="lto", seed=1)
    result = deployment_plan(actor=system_actor(mission), mission=mission, seed=1)
    assert any("LTO areas are imbalanced" in warning for warning in notice_texts(result.warnings))
    review = plan_review(mission=mission)
    assert any("LTO areas are imbalanced" in warning and "LTO-01" in warning for warning in review["warnings"])
