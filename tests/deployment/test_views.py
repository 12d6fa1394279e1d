import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from deployment.choices import JobStatus
from deployment.models import PlanningJob, TeamAssignment
from deployment.services import deployment_plan, teams_form
from observers.choices import MemberRole, RoleGroup
from observers.models import Membership, Team
from reports.models import ExportLog
from tests.deployment.builders import geography, observer, roster
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _member_user(mission, username, role, groups=()):
    user = UserFactory(username=username, groups=list(groups))
    membership = observer(mission, "AT", role=role)
    membership.observer.user = user
    membership.observer.save()
    return user


@pytest.fixture
def actors(mission):
    return {
        "coordinator": _member_user(mission, "coordinator", MemberRole.CORE_TEAM, [RoleGroup.COORDINATOR]),
        "analyst": _member_user(mission, "analyst", MemberRole.CORE_TEAM, [RoleGroup.ANALYST]),
        "sto": _member_user(mission, "sto", MemberRole.STO, [RoleGroup.STO]),
        "outsider": UserFactory(username="outsider"),
        "odihr": UserFactory(username="odihr", groups=[RoleGroup.ODIHR_STAFF]),
    }


@pytest.fixture
def planned(mission, actors):
    geography(mission, {"Akmola": [(30, 0.4), (30, 0.1)], "Aktobe": [(40, 0.5)], "Almaty City": [(30, 1.0)]})
    roster(mission, 4, role=MemberRole.LTO)
    roster(mission, 12)
    Membership.objects.filter(observer__user__username__in=["coordinator", "analyst"]).update(role=MemberRole.CORE_TEAM)
    teams_form(mission=mission, kind="all", seed=1)
    deployment_plan(mission=mission, seed=1)
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
    reasons = [item["reason"] for item in job.summary["left_out"]]
    assert any("Host National is a national of the host country" in reason for reason in reasons)
    page = client.get(reverse("deployment:planning", args=[mission.slug])).content.decode()
    assert "Host National is a national of the host country" in page


def test_a_job_delivered_twice_runs_once(planned, actors, django_capture_on_commit_callbacks):
    from deployment.services import planning_job_execute, planning_job_start

    with django_capture_on_commit_callbacks(execute=True):
        job = planning_job_start(mission=planned, kind="plan_deployment", requested_by=actors["coordinator"])
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
    assert len(data) == 6 * 12
    assert {row[9] for row in data} == {"Opening", "Voting", "Counting"}
    assert all(row[13] for row in data)  # every planned station has an address
    log = ExportLog.objects.get()
    assert (log.user, log.format, log.rows, log.what) == (actors["coordinator"], "xlsx", 72, "deployment plan")


def test_the_csv_export_reads_back_and_neutralises_formulas(client, planned, actors):
    from missions.models import PollingStation

    PollingStation.objects.update(address='=HYPERLINK("http://evil")')
    client.force_login(actors["coordinator"])
    response = client.get(reverse("deployment:export", args=[planned.slug, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "LTO area"
    assert len(rows) == 1 + 72
    assert all(row[13].startswith("'=") for row in rows[1:])
    assert ExportLog.objects.get().format == "csv"


def test_the_planning_page_takes_a_constant_number_of_queries(client, planned, actors, django_assert_max_num_queries):
    client.force_login(actors["coordinator"])
    with django_assert_max_num_queries(30):
        client.get(reverse("deployment:planning", args=[planned.slug]))
    roster(planned, 20)
    teams_form(mission=planned, kind="sto", seed=2)
    deployment_plan(mission=planned, seed=2)
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
