"""The phases of deployment planning, each on its own, and who may start planning or formation at all."""

import random
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from access import Actor, Role, job_actor, system_actor
from deployment.models import TeamAssignment
from deployment.services import deployment_plan, teams_form
from deployment.services.geography import Geography, StationRow, geography_load
from deployment.services.planning import (
    PlanningState,
    RoutePlanner,
    _Existing,
    assignments_keep,
    geography_check,
    plan_arguments_check,
    plan_changes,
    planning_state_load,
    regions_summarise,
    routes_plan,
    seats_allot,
    teams_place,
)
from deployment.services.result import PlanResult
from jobs.notices import notice_texts
from missions.models import Mission
from observers.choices import MemberRole, TeamKind
from observers.models import Team
from tests.deployment.builders import geography, roster
from tests.factories import MembershipFactory, ObserverFactory, UserFactory

NORTH, SOUTH, EMPTY = 1, 2, 3


def _station(pk, region_id, tec_id, urban=True):
    return StationRow(pk, region_id, tec_id, urban, 100, (pk,), None, None)


def _geo() -> Geography:
    """North (weight 3, two TECs), South (weight 1, one TEC) and a region without stations."""
    stations = {
        101: _station(101, NORTH, 10),
        102: _station(102, NORTH, 10, urban=False),
        111: _station(111, NORTH, 11),
        201: _station(201, SOUTH, 20),
    }
    return Geography(
        regions={NORTH: {"name": "North"}, SOUTH: {"name": "South"}, EMPTY: {"name": "Empty"}},
        region_order=[NORTH, SOUTH, EMPTY],
        neighbours={},
        tecs={10: {"code": "N-10", "region_id": NORTH}, 11: {"code": "N-11", "region_id": NORTH}, 20: {"code": "S-20"}},
        tecs_by_region={NORTH: [10, 11], SOUTH: [20]},
        stations=stations,
        stations_by_tec={10: [101, 102], 11: [111], 20: [201]},
        region_weight={NORTH: 3.0, SOUTH: 1.0, EMPTY: 0.0},
        tec_weight={10: 2.0, 11: 1.0, 20: 1.0},
        region_urban_share={NORTH: 0.5, SOUTH: 1.0, EMPTY: 0.0},
    )


def _teams(count, locked=()):
    return [Team(pk=pk, code=f"STO-{pk:03}", kind=TeamKind.STO, locked=pk in locked) for pk in range(1, count + 1)]


def _state(teams, existing=None, route_length=2) -> PlanningState:
    geo = _geo()
    return PlanningState(
        mission=Mission(pk=1, name="Testland"),
        geo=geo,
        teams=teams,
        existing=existing or {},
        planner=RoutePlanner(geo, random.Random(1), route_length),
        result=PlanResult(basis="stations", route_length=route_length, seed=1),
    )


# ------------------------------------------------------------------------------------------------ in memory


def test_the_arguments_are_checked_before_anything_is_read():
    plan_arguments_check(basis="voters", route_length=40)
    with pytest.raises(ValidationError, match="Unknown planning basis"):
        plan_arguments_check(basis="people", route_length=10)
    for length in (0, 41, "10"):
        with pytest.raises(ValidationError, match="route length"):
            plan_arguments_check(basis="stations", route_length=length)


def test_a_refusal_names_every_bad_argument_in_the_readers_language():
    with translation.override("ru"), pytest.raises(ValidationError) as refusal:
        plan_arguments_check(basis="people", route_length=0)
    assert refusal.value.messages == [
        "Неизвестная основа планирования 'people': используйте одну из следующих: stations, voters.",
        "Длина маршрута должна быть целым числом от 1 до 40.",
    ]


def test_a_mission_without_regions_or_stations_is_refused():
    geo = _geo()
    geography_check(mission=Mission(name="Testland"), geo=geo)
    geo.stations = {}
    with pytest.raises(ValidationError, match="no polling stations"):
        geography_check(mission=Mission(name="Testland"), geo=geo)
    geo.regions = {}
    with pytest.raises(ValidationError, match="no regions"):
        geography_check(mission=Mission(name="Testland"), geo=geo)


def test_seats_go_to_regions_with_stations_by_weight_and_an_empty_region_is_named():
    state = _state(_teams(4))
    seats_allot(state)
    assert state.plannable == [NORTH, SOUTH]
    assert state.seats == {NORTH: 3, SOUTH: 1}
    assert state.quotas == {NORTH: 3.0, SOUTH: 1.0}
    assert notice_texts(state.result.warnings) == ["Empty has no polling stations: no team can go there."]


def test_teams_to_place_fill_the_free_seats_in_region_order_and_the_rest_are_reported_unplaced():
    state = _state(_teams(4, locked={4}))
    state.plannable, state.seats = [NORTH, SOUTH], {NORTH: 2, SOUTH: 0}
    state.kept = {1: _Existing(id=9, team_id=1, region_id=NORTH, locked=True, tabulation_tec_id=None)}
    state.kept_in_region = Counter({NORTH: 1})
    teams_place(state)
    assert [team.pk for team in state.to_place] == [2, 3]  # neither kept nor locked
    assert state.openings == [NORTH]
    assert state.new_region == {2: NORTH}
    assert state.result.unplaced == ["STO-003"]
    assert notice_texts(state.result.warnings)[-1].startswith("1 STO team could not be placed")


def test_the_changes_count_moves_replace_old_assignments_and_link_teams_to_the_lto_of_their_region():
    teams = _teams(3, locked={3})
    existing = {
        1: _Existing(id=11, team_id=1, region_id=SOUTH, locked=False, tabulation_tec_id=None),
        2: _Existing(id=12, team_id=2, region_id=NORTH, locked=False, tabulation_tec_id=None),
    }
    state = _state(teams, existing)
    state.kept = {2: existing[2]}
    state.new_region = {1: NORTH}
    state.to_place, state.openings = [teams[0]], [NORTH]
    replaced, relinked, final_region = plan_changes(state, lto_owner={NORTH: 50, SOUTH: 60})
    assert replaced == [11]
    assert state.result.moved == 1
    assert final_region == {1: NORTH, 2: NORTH}
    assert [(team.pk, team.lto_team_id) for team in relinked] == [(1, 50), (2, 50)]  # the locked team is left alone


def test_a_team_left_without_a_seat_gives_up_its_old_assignment():
    teams = _teams(2)
    existing = {2: _Existing(id=12, team_id=2, region_id=SOUTH, locked=False, tabulation_tec_id=None)}
    state = _state(teams, existing)
    state.plannable, state.seats = [NORTH, SOUTH], {NORTH: 1, SOUTH: 0}
    teams_place(state)
    assert state.result.unplaced == ["STO-002"]
    replaced, relinked, final_region = plan_changes(state, lto_owner={})
    assert replaced == [12]
    assert relinked == []
    assert final_region == {1: NORTH}


def test_the_summary_has_a_row_per_plannable_region_and_warns_of_a_region_left_without_a_team():
    state = _state(_teams(2))
    state.plannable, state.seats, state.quotas = [NORTH, SOUTH], {NORTH: 1, SOUTH: 1}, {NORTH: 1.5, SOUTH: 0.5}
    regions_summarise(state, final_region={1: NORTH}, lto_owner={NORTH: 50}, lto_codes={50: "LTO-01"})
    assert state.result.regions == [
        {"region": "North", "weight": 3.0, "quota": 1.5, "seats": 1, "teams": 1, "lto_team": "LTO-01"},
        {"region": "South", "weight": 1.0, "quota": 0.5, "seats": 1, "teams": 0, "lto_team": ""},
    ]
    assert notice_texts(state.result.warnings) == ["South has no STO team."]


def test_routes_are_planned_for_the_newcomers_only_without_writing_anything():
    state = _state(_teams(3))
    seats_allot(state)  # North 2 seats, South 1
    teams_place(state)
    plans = routes_plan(state)
    assert [(assignment.team_id, assignment.region_id) for assignment, _tecs, _route in plans] == [
        (1, NORTH),
        (2, NORTH),
        (3, SOUTH),
    ]
    north = [route for assignment, _tecs, route in plans if assignment.region_id == NORTH]
    assert [len(route) for route in north] == [2, 2]
    assert set(north[0]) | set(north[1]) == {101, 102, 111}  # unused stations first, then shared
    assert plans[2][2] == [201] and plans[2][0].tabulation_tec_id == 20
    assert all(assignment.pk is None for assignment, _tecs, _route in plans)


# ------------------------------------------------------------------------------------------------ on a mission

LAYOUT = {"Akmola": [(10, 0.3), (10, 0.0)], "Aktobe": [(10, 0.5)], "Atyrau": [(8, 0.6)]}


@pytest.fixture
def teamed(mission):
    geography(mission, LAYOUT)
    roster(mission, 2, role=MemberRole.LTO)
    roster(mission, 8)
    teams_form(actor=system_actor(mission), mission=mission, kind="all", seed=1)
    return mission


def _loaded_state(mission, route_length=3) -> PlanningState:
    return planning_state_load(
        mission=mission,
        geo=geography_load(mission, "stations"),
        result=PlanResult(basis="stations", route_length=route_length, seed=1),
    )


@pytest.mark.django_db
def test_a_valid_plan_is_kept_whole_and_a_locked_assignment_counts_as_locked(teamed):
    deployment_plan(actor=system_actor(teamed), mission=teamed, route_length=3, seed=1)
    TeamAssignment.objects.filter(pk=TeamAssignment.objects.order_by("pk").first().pk).update(locked=True)
    state = _loaded_state(teamed)
    seats_allot(state)
    assignments_keep(state)
    assert state.result.locked == 1
    assert state.result.kept == len(state.teams) - 1
    assert sum(state.kept_in_region.values()) == len(state.teams)


@pytest.mark.django_db
def test_an_assignment_whose_route_no_longer_fits_is_not_kept(teamed):
    deployment_plan(actor=system_actor(teamed), mission=teamed, route_length=3, seed=1)
    state = _loaded_state(teamed, route_length=4)  # every kept route now has one station too few
    seats_allot(state)
    assignments_keep(state)
    assert state.kept == {}
    assert state.result.kept == state.result.locked == 0


# ------------------------------------------------------------------------------------------------ who may


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ANALYST, Role.CORE, Role.LTO, Role.STO, Role.ODIHR_STAFF])
def test_only_the_missions_planners_form_teams_or_plan_and_a_refusal_changes_nothing(teamed, role):
    actor = Actor(user_id=1, mission_id=teamed.pk, role=role)
    with pytest.raises(PermissionDenied):
        deployment_plan(actor=actor, mission=teamed, seed=1)
    with pytest.raises(PermissionDenied):
        teams_form(actor=actor, mission=teamed, kind="all", seed=2, reform=True)
    assert not TeamAssignment.objects.filter(mission=teamed).exists()
    assert Team.objects.filter(mission=teamed).count() == 5


@pytest.mark.django_db
def test_a_coordinator_of_another_mission_may_not_plan_this_one(teamed):
    elsewhere = Actor(user_id=1, mission_id=teamed.pk + 1000, role=Role.COORDINATOR)
    with pytest.raises(PermissionDenied):
        deployment_plan(actor=elsewhere, mission=teamed, seed=1)
    assert not TeamAssignment.objects.filter(mission=teamed).exists()
    coordinator = Actor(user_id=1, mission_id=teamed.pk, role=Role.COORDINATOR)
    assert deployment_plan(actor=coordinator, mission=teamed, route_length=3, seed=1).planned == 4


@pytest.mark.django_db
def test_a_job_runs_as_whoever_queued_it_as_they_are_now_or_as_the_system_when_a_command_did(mission):
    assert job_actor(None, mission).is_system
    user = UserFactory(username="planner")
    membership = MembershipFactory(
        mission=mission,
        observer=ObserverFactory(mission=mission, user=user),
        role=MemberRole.CORE_TEAM,
        core_function="lto_coordinator",
    )
    assert job_actor(user, mission).role == Role.COORDINATOR
    membership.delete()
    assert job_actor(user, mission) is None  # lost the role since: the service refuses the job


@pytest.mark.django_db
def test_a_job_whose_requester_lost_the_role_since_fails_with_the_reason_and_plans_nothing(teamed):
    from deployment.choices import JobStatus
    from deployment.models import PlanningJob
    from deployment.services.jobs import planning_job_execute

    former = UserFactory(username="former")  # queued it as a coordinator; holds no role in the mission any more
    job = PlanningJob.objects.create(
        mission=teamed,
        kind="plan_deployment",
        parameters={"basis": "stations", "route_length": 3, "seed": 1},
        requested_by=former,
    )
    done = planning_job_execute(job_id=job.pk)
    assert done.status == JobStatus.FAILED
    assert "coordinators plan the deployment" in done.error
    assert not TeamAssignment.objects.filter(mission=teamed).exists()

    queued_by_a_command = PlanningJob.objects.create(
        mission=teamed, kind="plan_deployment", parameters={"basis": "stations", "route_length": 3, "seed": 1}
    )
    assert planning_job_execute(job_id=queued_by_a_command.pk).status == JobStatus.DONE
    assert TeamAssignment.objects.filter(mission=teamed).count() == 4
