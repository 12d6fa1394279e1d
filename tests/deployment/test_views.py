import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from access import system_actor
from deployment.choices import JobStatus
from deployment.models import PlanningJob, TeamAssignment
from deployment.services import deployment_plan, teams_form
from jobs.notices import notice_texts
from observers.choices import MemberRole
from observers.models import Membership, Team
from reports.models import ExportLog
from tests.deployment.builders import geography, observer, roster
from tests.factories import UserFactory, odihr_staff

pytestmark = pytest.mark.django_db


def _member_user(mission, username, role, core_function=""):
    user = UserFactory(username=username)
    membership = observer(mission, "AT", role=role)
    membership.core_function = core_function
    membership.save(update_fields=["core_function"])
    membership.observer.user = user
    membership.observer.save()
    return user


@pytest.fixture
def actors(mission):
    return {
        "coordinator": _member_user(mission, "coordinator", MemberRole.CORE_TEAM, "lto_coordinator"),
        "analyst": _member_user(mission, "analyst", MemberRole.CORE_TEAM, "statistical_analyst"),
        "sto": _member_user(mission, "sto", MemberRole.STO),
        "outsider": UserFactory(username="outsider"),
        "odihr": odihr_staff("odihr", mission),
    }


@pytest.fixture
def planned(mission, actors):
    geography(mission, {"Akmola": [(30, 0.4), (30, 0.1)], "Aktobe": [(40, 0.5)], "Almaty City": [(30, 1.0)]})
    roster(mission, 4, role=MemberRole.LTO)
    roster(mission, 12)
    Membership.objects.filter(observer__user__username__in=["coordinator", "analyst"]).update(role=MemberRole.CORE_TEAM)
    teams_form(actor=system_actor(mission), mission=mission, kind="all", seed=1)
    deployment_plan(actor=system_actor(mission), mission=mission, seed=1)
    return mission


def _urls(mission):
    job = PlanningJob.objects.create(mission=mission, kind="plan_deployment")
    return [
        reverse("deployment:planning", args=[mission.slug]),
        reverse("deployment:job-status", args=[mission.slug, job.pk]),
        reverse("deployment:export", args=[mission.slug, "xlsx"]),
        reverse("deployment:export", args=[mission.slug, "csv"]),
    ]


def test_the_coordinator_sees_the_planning_page_with_the_review(client, planned, actors):
    client.force_login(actors["coordinator"])
    response = client.get(reverse("deployment:planning", args=[planned.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Plan deployment" in body and "Form teams" in body
    assert "Akmola" in body and "STO-001" in body


@pytest.mark.parametrize("name,status", [("analyst", 403), ("sto", 403), ("outsider", 404), ("odihr", 404)])
def test_everyone_but_coordinators_is_refused_on_every_page_endpoint_and_export(client, planned, actors, name, status):
    client.force_login(actors[name])
    for url in _urls(planned):
        assert client.get(url).status_code == status, url
    start = reverse("deployment:job-start", args=[planned.slug, "plan_deployment"])
    assert client.post(start).status_code == status
    assert not ExportLog.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, planned):
    for url in _urls(planned):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"], url


def test_starting_a_plan_runs_it_and_the_job_endpoint_reports_progress(
    client, planned, actors, django_capture_on_commit_callbacks
):
    TeamAssignment.objects.all().delete()
    client.force_login(actors["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("deployment:job-start", args=[planned.slug, "plan_deployment"]),
            {"basis": "voters", "route_length": "8", "seed": "3"},
            HTTP_ACCEPT="application/json",
        )
    assert response.status_code == 202
    job = PlanningJob.objects.get(pk=response.json()["id"])
    assert job.requested_by == actors["coordinator"]
    status = client.get(reverse("deployment:job-status", args=[planned.slug, job.pk])).json()
    assert status["status"] == JobStatus.DONE and status["progress"] == 100
    assert status["summary"]["assignments_planned"] == 6
    assert TeamAssignment.objects.count() == 6
    assert TeamAssignment.objects.first().visits.filter(purpose="voting").count() == 8


def test_a_bad_parameter_is_refused_with_a_message_and_queues_nothing(client, planned, actors):
    client.force_login(actors["coordinator"])
    response = client.post(
        reverse("deployment:job-start", args=[planned.slug, "plan_deployment"]),
        {"route_length": "500"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert "route length must be a whole number" in response.json()["errors"][0]
    assert not PlanningJob.objects.exists()


def test_forming_teams_from_the_page_reports_who_was_left_out(
    client, mission, actors, django_capture_on_commit_callbacks
):
    observer(mission, "KZ", name="Host National")
    observer(mission, "DE")
    observer(mission, "FR")
    client.force_login(actors["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("deployment:job-start", args=[mission.slug, "form_teams"]), {"kind": "sto"})
    job = PlanningJob.objects.get()
    assert job.status == JobStatus.DONE
    assert job.summary["teams_formed"] == 1
    reasons = notice_texts(item["reason"] for item in job.summary["left_out"])
    assert any("Host National is a national of the host country" in reason for reason in reasons)
    page = client.get(reverse("deployment:planning", args=[mission.slug])).content.decode()
    assert "Host National is a national of the host country" in page


def test_a_job_delivered_twice_runs_once(planned, actors, django_capture_on_commit_callbacks):
    from deployment.services import planning_job_execute, planning_job_start

    with django_capture_on_commit_callbacks(execute=True):
        job = planning_job_start(
            actor=system_actor(planned), mission=planned, kind="plan_deployment", requested_by=actors["coordinator"]
        )
    finished = PlanningJob.objects.get(pk=job.pk)
    assert finished.status == JobStatus.DONE
    again = planning_job_execute(job_id=job.pk)
    assert again.finished_at == finished.finished_at


def test_the_coordinator_locks_and_unlocks_a_team_and_an_assignment(client, planned, actors):
    client.force_login(actors["coordinator"])
    team = Team.objects.get(code="STO-001")
    url = reverse("deployment:lock", args=[planned.slug])
    client.post(url, {"team": team.pk, "locked": "1"})
    team.refresh_from_db()
    assert team.locked
    client.post(url, {"assignment": team.assignment.pk, "locked": "1"})
    team.assignment.refresh_from_db()
    assert team.assignment.locked
    client.post(url, {"team": team.pk, "locked": "0"})
    team.refresh_from_db()
    assert not team.locked


def test_the_xlsx_export_has_one_sheet_per_lto_area_and_reads_back(client, planned, actors):
    client.force_login(actors["coordinator"])
    response = client.get(reverse("deployment:export", args=[planned.slug, "xlsx"]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    lto_codes = sorted(Team.objects.filter(kind="lto").values_list("code", flat=True))
    assert workbook.sheetnames == lto_codes
    rows = [row for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[:5] == ("LTO area", "Team", "Members", "Phones", "E-mails")
    data = [row for row in rows if row[0] != "LTO area"]
    lto_rows = [row for row in data if row[9].startswith("LTO team")]
    visits = [row for row in data if not row[9].startswith("LTO team")]
    assert [row[1] for row in lto_rows] == lto_codes  # each sheet opens with its LTO team and their contacts
    assert all(row[3] and row[4] for row in lto_rows)
    assert len(visits) == 6 * 12
    assert {row[9] for row in visits} == {"Opening", "Voting", "Counting"}
    assert header[11:15] == ("Station region", "Station number", "Station name", "Address")
    assert all(row[14] for row in visits)  # every planned station has an address
    log = ExportLog.objects.get()
    assert (log.user, log.format, log.rows, log.what_text) == (actors["coordinator"], "xlsx", 74, "deployment plan")


def test_a_russian_coordinator_s_plan_export_reads_in_russian(client, planned, actors):
    client.force_login(actors["coordinator"])
    response = client.get(reverse("deployment:export", args=[planned.slug, "csv"]), HTTP_ACCEPT_LANGUAGE="ru")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Зона ДН", "Команда", "Участники", "Телефоны", "Эл. почта"]
    assert rows[0][11:17] == [
        "Регион участка",
        "Номер участка",
        "Название участка",
        "Адрес",
        "ТИК участка",
        "Город/село",
    ]
    lto_rows = [row for row in rows[1:] if row[9].startswith("Команда ДН")]
    assert len(lto_rows) == 2 and all(row[8] in ("да", "нет") for row in rows[1:])
    assert not any("LTO team" in cell or cell in ("yes", "no") for row in rows for cell in row)


def test_the_csv_export_reads_back_and_neutralises_formulas(client, planned, actors):
    from missions.models import PollingStation

    PollingStation.objects.update(address='=HYPERLINK("http://evil")')
    client.force_login(actors["coordinator"])
    response = client.get(reverse("deployment:export", args=[planned.slug, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "LTO area"
    assert len(rows) == 1 + 2 + 72
    assert all(row[14].startswith("'=") for row in rows[1:] if row[12])
    assert all(row[3].startswith("'+") for row in rows[1:])  # phone numbers start with "+": neutralised too
    assert ExportLog.objects.get().format == "csv"


def test_the_planning_page_takes_a_constant_number_of_queries(client, planned, actors, django_assert_max_num_queries):
    client.force_login(actors["coordinator"])
    with django_assert_max_num_queries(30):
        client.get(reverse("deployment:planning", args=[planned.slug]))
    roster(planned, 20)
    teams_form(actor=system_actor(planned), mission=planned, kind="sto", seed=2)
    deployment_plan(actor=system_actor(planned), mission=planned, seed=2)
    with django_assert_max_num_queries(30):
        client.get(reverse("deployment:planning", args=[planned.slug]))


def test_the_export_takes_a_constant_number_of_queries(client, planned, actors, django_assert_max_num_queries):
    client.force_login(actors["coordinator"])
    with django_assert_max_num_queries(20):
        client.get(reverse("deployment:export", args=[planned.slug, "xlsx"]))


def test_the_admin_actions_queue_jobs_for_coordinators_only(
    rf, planned, actors, admin_user, django_capture_on_commit_callbacks
):
    from django.contrib import admin as django_admin
    from django.contrib.messages.storage.fallback import FallbackStorage

    from deployment.admin_actions import form_teams_action, plan_deployment_action
    from missions.models import Mission

    model_admin = django_admin.site._registry[Mission]
    assert form_teams_action.short_description and plan_deployment_action.short_description
    for user, expected in ((actors["analyst"], 0), (actors["coordinator"], 1)):
        request = rf.post("/admin/missions/mission/")
        request.user = user
        request.session = {}
        request._messages = FallbackStorage(request)
        with django_capture_on_commit_callbacks(execute=True):
            plan_deployment_action(model_admin, request, Mission.objects.filter(pk=planned.pk))
        assert PlanningJob.objects.filter(requested_by=user, status=JobStatus.DONE).count() == expected
    request._messages = FallbackStorage(request)
    with django_capture_on_commit_callbacks(execute=True):
        form_teams_action(model_admin, request, Mission.objects.filter(pk=planned.pk))
    assert PlanningJob.objects.filter(kind="form_teams", status=JobStatus.DONE).count() == 1


def test_the_coordinator_moves_a_team_from_the_page(client, planned, actors):
    client.force_login(actors["coordinator"])
    team = Team.objects.filter(kind="sto", assignment__region__name="Akmola").order_by("code").first()
    aktobe = planned.regions.get(name="Aktobe")
    response = client.post(reverse("deployment:move", args=[planned.slug]), {"team": team.pk, "region": aktobe.pk})
    assert response.status_code == 302
    team.assignment.refresh_from_db()
    assert TeamAssignment.objects.get(team=team).region == aktobe


def test_a_swap_from_the_page_that_breaks_a_team_rule_shows_the_message_and_changes_nothing(client, planned, actors):
    client.force_login(actors["coordinator"])
    team = Team.objects.filter(kind="sto").order_by("code").first()
    keep, remove = [seat.membership for seat in team.members.all()]
    twin = observer(planned, keep.observer.nationality.code)
    response = client.post(
        reverse("deployment:swap", args=[planned.slug]),
        {"team": team.pk, "remove": remove.pk, "add": twin.pk},
        follow=True,
    )
    assert "a team must be multinational" in response.content.decode()
    assert set(team.members.values_list("membership_id", flat=True)) == {keep.pk, remove.pk}


@pytest.mark.parametrize("name,status", [("analyst", 403), ("sto", 403), ("outsider", 404)])
def test_manual_edits_are_refused_to_everyone_but_coordinators(client, planned, actors, name, status):
    client.force_login(actors[name])
    team = Team.objects.filter(kind="sto").order_by("code").first()
    region = planned.regions.get(name="Aktobe")
    before = TeamAssignment.objects.get(team=team).region_id
    assert (
        client.post(reverse("deployment:move", args=[planned.slug]), {"team": team.pk, "region": region.pk}).status_code
        == status
    )
    assert (
        client.post(reverse("deployment:lock", args=[planned.slug]), {"team": team.pk, "locked": "1"}).status_code
        == status
    )
    team.refresh_from_db()
    assert not team.locked and TeamAssignment.objects.get(team=team).region_id == before


def test_the_admin_form_refuses_a_tec_from_another_region(planned):
    from deployment.admin import TeamAssignmentForm

    assignment = TeamAssignment.objects.select_related("team", "region").first()
    foreign = planned.tecs.exclude(region=assignment.region).first()
    form = TeamAssignmentForm(
        data={
            "team": assignment.team_id,
            "mission": planned.pk,
            "region": assignment.region_id,
            "tecs": [foreign.pk],
            "tabulation_tec": foreign.pk,
            "quota": "1.0",
            "locked": "",
        },
        instance=assignment,
    )
    assert not form.is_valid()
    assert (
        f"TEC {foreign.code} lies in {foreign.region.name}, not in {assignment.region.name}." in form.non_field_errors()
    )


def test_a_job_whose_worker_was_lost_does_not_block_a_new_one(planned, actors, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    from deployment.services import planning_job_start

    stuck = PlanningJob.objects.create(mission=planned, kind="plan_deployment", status=JobStatus.RUNNING)
    PlanningJob.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        job = planning_job_start(
            actor=system_actor(planned), mission=planned, kind="plan_deployment", requested_by=actors["coordinator"]
        )
    assert job.pk != stuck.pk
    stuck.refresh_from_db()
    assert stuck.status == JobStatus.FAILED and "did not finish" in stuck.error_text
    assert PlanningJob.objects.get(pk=job.pk).status == JobStatus.DONE


def test_a_pending_job_is_returned_instead_of_starting_a_second(planned, actors):
    from deployment.services import planning_job_start

    pending = PlanningJob.objects.create(mission=planned, kind="form_teams", status=JobStatus.QUEUED)
    assert (
        planning_job_start(
            actor=system_actor(planned), mission=planned, kind="form_teams", requested_by=actors["coordinator"]
        ).pk
        == pending.pk
    )
    assert PlanningJob.objects.count() == 1


def test_the_admin_runs_the_plan_action_and_shows_assignments_and_jobs(
    client, planned, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    TeamAssignment.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:missions_mission_changelist"),
            {"action": "plan_deployment_action", "_selected_action": [planned.pk]},
            follow=True,
        )
    assert "Plan deployment queued" in response.content.decode()
    assert TeamAssignment.objects.count() == 6
    with django_assert_max_num_queries(25):
        assert client.get(reverse("admin:deployment_teamassignment_changelist")).status_code == 200
    assignment = TeamAssignment.objects.first()
    assert client.get(reverse("admin:deployment_teamassignment_change", args=[assignment.pk])).status_code == 200
    job = PlanningJob.objects.get()
    assert client.get(reverse("admin:deployment_planningjob_change", args=[job.pk])).status_code == 200
    assert client.get(reverse("admin:deployment_planningjob_add")).status_code == 403


def test_forming_teams_waits_while_a_plan_is_running(planned, actors):
    from django.core.exceptions import ValidationError

    from deployment.services import planning_job_start

    PlanningJob.objects.create(mission=planned, kind="plan_deployment", status=JobStatus.RUNNING)
    with pytest.raises(ValidationError, match="Plan deployment is still running for Kazakhstan 2019"):
        planning_job_start(
            actor=system_actor(planned), mission=planned, kind="form_teams", requested_by=actors["coordinator"]
        )
    assert PlanningJob.objects.count() == 1


def test_the_planning_page_explains_each_allocation(client, planned, actors):
    client.force_login(actors["coordinator"])
    body = client.get(reverse("deployment:planning", args=[planned.slug])).content.decode()
    assignment = TeamAssignment.objects.select_related("tabulation_tec").order_by("team__code").first()
    assert "largest remainder method" in body
    assert f"tabulation at {assignment.tabulation_tec.code}" in body


@pytest.mark.django_db(transaction=True)  # as in production: the job is committed, then sent to the broker
def test_with_the_broker_down_the_planning_page_says_the_job_waits_and_will_be_sent(
    client, planned, actors, monkeypatch
):
    from kombu.exceptions import OperationalError as BrokerError

    from deployment.tasks import planning_job_run

    def down(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(planning_job_run, "apply_async", down)
    client.force_login(actors["coordinator"])
    response = client.post(reverse("deployment:job-start", args=[planned.slug, "plan_deployment"]), follow=True)
    job = PlanningJob.objects.get()
    assert job.status == JobStatus.QUEUED and job.dispatched_at is None
    body = response.content.decode()
    assert "Plan deployment is saved but not started yet." in body and "will be sent automatically" in body
    status = client.get(reverse("deployment:job-status", args=[planned.slug, job.pk])).json()
    assert status["status"] == "queued" and "not reachable" in status["dispatch_error"]
