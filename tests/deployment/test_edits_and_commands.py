import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from access import system_actor
from deployment.choices import VisitPurpose
from deployment.models import PlannedVisit, TeamAssignment
from deployment.services import assignment_move, deployment_plan, team_member_swap, teams_form
from observers.choices import MemberRole, TeamKind
from observers.models import Team
from tests.deployment.builders import geography, observer, roster

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(mission):
    geography(mission, {"Akmola": [(30, 0.4), (30, 0.1)], "Aktobe": [(40, 0.5)]})
    roster(mission, 4, role=MemberRole.LTO)
    roster(mission, 8)
    teams_form(actor=system_actor(mission), mission=mission, kind="all", seed=1)
    deployment_plan(actor=system_actor(mission), mission=mission, seed=1)
    return mission


def test_moving_a_team_plans_a_fresh_route_in_the_new_region_without_clashing(planned):
    team = Team.objects.filter(kind=TeamKind.STO, assignment__region__name="Akmola").first()
    aktobe = planned.regions.get(name="Aktobe")
    assignment = assignment_move(actor=system_actor(team.mission), team=team, region=aktobe)
    assert assignment.region == aktobe
    assert assignment.visits.filter(purpose=VisitPurpose.VOTING).count() == 10
    team.refresh_from_db()
    assert team.lto_team.area_regions.filter(pk=aktobe.pk).exists()
    stations = PlannedVisit.objects.filter(purpose=VisitPurpose.VOTING).values_list("polling_station_id", flat=True)
    assert len(stations) == len(set(stations))


def test_moving_a_locked_team_or_into_a_foreign_tec_is_refused(planned):
    team = Team.objects.filter(kind=TeamKind.STO).first()
    akmola = planned.regions.get(name="Akmola")
    foreign_tec = planned.tecs.exclude(region=akmola).first()
    with pytest.raises(ValidationError, match="not in Akmola"):
        assignment_move(actor=system_actor(team.mission), team=team, region=akmola, tecs=[foreign_tec])
    team.locked = True
    team.save()
    before = TeamAssignment.objects.get(team=team).pk
    with pytest.raises(ValidationError, match="is locked"):
        assignment_move(actor=system_actor(team.mission), team=team, region=akmola)
    assert TeamAssignment.objects.get(team=team).pk == before


def test_a_refused_move_names_each_broken_rule_in_the_readers_language(planned):
    from django.utils import translation

    team = Team.objects.filter(kind=TeamKind.STO).first()
    akmola = planned.regions.get(name="Akmola")
    foreign_tec = planned.tecs.exclude(region=akmola).first()
    TeamAssignment.objects.filter(team=team).update(locked=True)
    with translation.override("ru"), pytest.raises(ValidationError) as refusal:
        assignment_move(actor=system_actor(team.mission), team=team, region=akmola, tecs=[foreign_tec], route_length=41)
    assert refusal.value.messages == [
        f"ТИК {foreign_tec.code} находится в регионе {foreign_tec.region.name}, а не в Akmola.",
        f"Назначение команды {team.code} закреплено: снимите закрепление, прежде чем перемещать команду.",
        "Длина маршрута должна быть целым числом от 1 до 40.",
    ]


def test_swapping_members_between_teams_is_checked_by_the_team_rules(mission):
    from observers.services import team_create

    de, fr, it, pl = (observer(mission, code) for code in ("DE", "FR", "IT", "PL"))
    first = team_create(mission=mission, kind=TeamKind.STO, code="STO-001", members=[de, fr])
    second = team_create(mission=mission, kind=TeamKind.STO, code="STO-002", members=[it, pl])
    team_member_swap(actor=system_actor(first.mission), team=first, remove=fr, add=it)
    assert set(first.members.values_list("membership_id", flat=True)) == {de.pk, it.pk}
    assert set(second.members.values_list("membership_id", flat=True)) == {pl.pk, fr.pk}
    de2, se = observer(mission, "DE"), observer(mission, "SE")
    third = team_create(mission=mission, kind=TeamKind.STO, code="STO-003", members=[de2, se])
    # Third would be fine with IT, but STO-001 would be left with two Germans: the whole swap is refused.
    with pytest.raises(ValidationError, match="STO-001: Both members are nationals of Germany"):
        team_member_swap(actor=system_actor(third.mission), team=third, remove=de2, add=it)
    assert set(third.members.values_list("membership_id", flat=True)) == {de2.pk, se.pk}
    assert set(first.members.values_list("membership_id", flat=True)) == {de.pk, it.pk}


def test_a_swap_that_would_make_a_single_nationality_team_is_refused_and_changes_nothing(planned):
    team = Team.objects.filter(kind=TeamKind.STO).order_by("code").first()
    keep, remove = [seat.membership for seat in team.members.all()]
    twin = observer(planned, keep.observer.nationality.code)
    with pytest.raises(ValidationError, match="must be multinational"):
        team_member_swap(actor=system_actor(team.mission), team=team, remove=remove, add=twin)
    assert set(team.members.values_list("membership_id", flat=True)) == {keep.pk, remove.pk}


def test_a_host_country_national_cannot_be_swapped_in(planned):
    team = Team.objects.filter(kind=TeamKind.STO).order_by("code").first()
    remove = team.members.first().membership
    host = observer(planned, "KZ")
    with pytest.raises(ValidationError, match="national of the host country"):
        team_member_swap(actor=system_actor(team.mission), team=team, remove=remove, add=host)


def test_form_teams_command_prints_teams_formed_and_who_was_left_out(mission, capsys):
    roster(mission, 5)
    observer(mission, "KZ", name="Host National")
    call_command("form_teams", "--mission", mission.slug, "--kind", "sto", "--seed", "3")
    out = capsys.readouterr().out
    assert "Teams formed: 2 (2 STO)." in out
    assert "Left out: 2." in out
    assert "Host National is a national of the host country" in out
    assert "an odd number of observers" in out


def test_plan_deployment_command_prints_teams_per_region_against_quota(planned, capsys):
    TeamAssignment.objects.all().delete()
    call_command("plan_deployment", "--mission", planned.slug, "--basis", "voters", "--route-length", "6")
    out = capsys.readouterr().out
    assert "Assignments: 4 planned, 0 kept, 0 locked; 0 team(s) moved." in out
    assert "Akmola" in out and "quota" in out and "Warnings:" in out


def test_the_commands_refuse_an_unknown_mission(db):
    with pytest.raises(CommandError, match="No mission with the slug 'nowhere'"):
        call_command("form_teams", "--mission", "nowhere")
    with pytest.raises(CommandError, match="No mission with the slug 'nowhere'"):
        call_command("plan_deployment", "--mission", "nowhere")


def test_the_planning_benchmark_runs_at_tiny_scale(db):
    from bench.bench_planning import run

    figures = run(scale="tiny")
    assert figures["stations"] == 72
    assert figures["sto_teams"] == 12 and figures["assignments_planned"] == 12
    assert figures["replan_moved"] == 0 and figures["replan_kept"] == 12
    assert figures["planning_seconds"] >= 0


@pytest.mark.slow
def test_the_demo_mission_forms_11_lto_and_150_sto_teams_and_plans_them_by_the_rules(db):
    from collections import Counter

    from missions.models import Mission
    from observers.services import team_check
    from synthetic.demo import DEMO_SLUG, demo_mission_seed

    demo_mission_seed()
    mission = Mission.objects.get(slug=DEMO_SLUG)
    from submissions.models import Submission

    # Election-day forms refer to teams: clear them with the teams, as a coordinator re-planning would.
    Submission.objects.filter(mission=mission).delete()
    Team.objects.filter(mission=mission).delete()
    call_command("form_teams", "--mission", mission.slug)
    call_command("plan_deployment", "--mission", mission.slug)
    teams = Team.objects.filter(mission=mission)
    assert teams.filter(kind=TeamKind.LTO).count() == 11
    assert teams.filter(kind=TeamKind.STO).count() == 150
    assert all(team_check(team=team) == [] for team in teams)
    owners = Counter(
        Team.area_regions.through.objects.filter(team__mission=mission).values_list("region_id", flat=True)
    )
    assert set(owners) == set(mission.regions.values_list("id", flat=True)) and set(owners.values()) == {1}
    from deployment.selectors import plan_review

    review = plan_review(mission=mission)
    assert all(row["teams"] >= 1 and row["within_quota"] for row in review["regions"])
    from django.db.models import Prefetch

    visits = Prefetch("visits", queryset=PlannedVisit.objects.select_related("polling_station"))
    for assignment in TeamAssignment.objects.filter(mission=mission).prefetch_related(visits, "tecs"):
        purposes = Counter(visit.purpose for visit in assignment.visits.all())
        assert purposes == {VisitPurpose.VOTING: 10, VisitPurpose.OPENING: 1, VisitPurpose.COUNTING: 1}
        area = {tec.pk for tec in assignment.tecs.all()}
        assert all(visit.polling_station.tec_id in area for visit in assignment.visits.all())
    voting = PlannedVisit.objects.filter(assignment__mission=mission, purpose=VisitPurpose.VOTING)
    assert voting.count() == voting.values("polling_station").distinct().count() == 1500
