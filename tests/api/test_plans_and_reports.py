"""The deployment plan, planning jobs and report runs over the API: scoped reads, 202 for work that runs later."""

import pytest

from deployment.choices import VisitPurpose
from deployment.models import PlannedVisit, PlanningJob
from reports.choices import RunStatus
from reports.models import ExportLog, ReportRun

pytestmark = pytest.mark.django_db


def team_codes(response):
    return {row["team_code"] for row in response.json()["results"]}


@pytest.fixture
def route(world):
    assignment = world.sto_team.assignment
    PlannedVisit.objects.create(assignment=assignment, polling_station=world.north_station, purpose=VisitPurpose.VOTING)
    return assignment


def test_the_core_team_reads_the_whole_deployment_plan(world, route):
    response = world.client("analyst").get("/api/assignments/")
    assert response.status_code == 200
    assert team_codes(response) == {"STO-001", "STO-002"}
    north = world.client("analyst").get("/api/assignments/", {"region_code": "NKZ"})
    assert north.json()["results"][0]["visits"][0]["polling_station_number"] == "N-101"


def test_observers_see_the_plan_of_their_scope_only(world, route):
    assert team_codes(world.client("sto").get("/api/assignments/")) == {"STO-001"}
    assert team_codes(world.client("lto").get("/api/assignments/")) == {"STO-001"}
    assert world.client("sto").get(f"/api/assignments/{world.other_sto_team.assignment.pk}/").status_code == 404


def test_outsiders_and_odihr_staff_see_no_deployment_plan(world, route):
    assert team_codes(world.client("outsider").get("/api/assignments/")) == set()
    assert world.client("outsider").get(f"/api/assignments/{route.pk}/").status_code == 404
    assert world.client("odihr").get("/api/assignments/").status_code == 403


def test_a_coordinator_starts_deployment_planning_and_gets_202_with_the_jobs_url(world):
    response = world.client("coordinator").post(
        "/api/planning-jobs/",
        {"mission": "kz-2019", "kind": "plan_deployment", "parameters": {"route_length": 5}},
        format="json",
    )
    assert response.status_code == 202, response.json()
    assert response["Location"] == response.json()["url"]
    job = PlanningJob.objects.get()
    assert job.parameters["route_length"] == 5
    follow = world.client("coordinator").get(response["Location"])
    assert follow.status_code == 200
    assert follow.json()["status"] == "queued" and follow.json()["progress"] == 0


def test_bad_planning_parameters_are_a_400_and_start_nothing(world):
    response = world.client("coordinator").post(
        "/api/planning-jobs/",
        {"mission": "kz-2019", "kind": "plan_deployment", "parameters": {"route_length": 500}},
        format="json",
    )
    assert response.status_code == 400
    assert "route length" in response.json()["non_field_errors"][0]
    assert not PlanningJob.objects.exists()


@pytest.mark.parametrize("actor", ["analyst", "lto", "sto", "odihr", "stranger"])
def test_only_coordinators_start_or_see_planning_jobs(world, actor):
    job = PlanningJob.objects.create(mission=world.mission, kind="plan_deployment")
    client = world.client(actor)
    started = client.post("/api/planning-jobs/", {"mission": "kz-2019", "kind": "form_teams"}, format="json")
    assert started.status_code == 403
    assert client.get(f"/api/planning-jobs/{job.pk}/").status_code in (403, 404)
    assert PlanningJob.objects.count() == 1


def test_an_analyst_requests_a_report_run_and_follows_it_to_its_downloads(
    world, forms, django_capture_on_commit_callbacks
):
    client = world.client("analyst")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/report-runs/", {"mission": "kz-2019", "kinds": ["voting"]}, format="json")
    assert response.status_code == 202, response.json()
    assert response["Location"] == response.json()["url"]
    run = client.get(response["Location"]).json()
    assert run["status"] == "done" and run["progress"] == 100
    assert set(run["downloads"]) == {"xlsx", "csv", "pdf"}
    assert run["downloads"]["pdf"].endswith(f"/reports/runs/{run['id']}/export/pdf/")
    download = client.get(run["api_downloads"]["xlsx"])
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert [log.what_text for log in ExportLog.objects.filter(format="xlsx")] == [f"report run {run['id']}"]
    assert world.client("outsider").get(run["api_downloads"]["xlsx"]).status_code == 404


def test_an_unfinished_run_shows_its_progress_and_no_downloads(world):
    run = ReportRun.objects.create(mission=world.mission, kinds=["voting"], status=RunStatus.RUNNING, progress=40)
    body = world.client("coordinator").get(f"/api/report-runs/{run.pk}/").json()
    assert (body["status"], body["progress"], body["downloads"]) == ("running", 40, {})


def test_a_report_run_request_with_a_region_of_another_mission_is_a_400(world):
    from tests.factories import RegionFactory

    elsewhere = RegionFactory(mission=world.other_mission)
    response = world.client("coordinator").post(
        "/api/report-runs/", {"mission": "kz-2019", "region": elsewhere.pk}, format="json"
    )
    assert response.status_code == 400
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize("actor", ["lto", "sto", "odihr", "stranger"])
def test_observers_odihr_staff_and_outsiders_cannot_request_a_report_run(world, actor):
    response = world.client(actor).post("/api/report-runs/", {"mission": "kz-2019"}, format="json")
    assert response.status_code == 403
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize("endpoint", ["/api/report-runs/", "/api/planning-jobs/"])
def test_a_coordinator_of_another_mission_is_told_the_slug_does_not_exist(world, endpoint):
    """The outsider coordinates another mission: this mission's slug answers exactly like one never issued."""
    client = world.client("outsider")
    forged = client.post(endpoint, {"mission": "kz-2019", "kind": "form_teams"}, format="json")
    unknown = client.post(endpoint, {"mission": "no-such-mission", "kind": "form_teams"}, format="json")
    assert forged.status_code == unknown.status_code == 400
    assert forged.json()["mission"][0].replace("kz-2019", "?") == unknown.json()["mission"][0].replace(
        "no-such-mission", "?"
    )
    assert not ReportRun.objects.exists()
    assert not PlanningJob.objects.exists()


def test_odihr_staff_see_published_runs_of_every_mission_only(world):
    published = ReportRun.objects.create(
        mission=world.mission, kinds=["voting"], status=RunStatus.DONE, progress=100, published=True
    )
    embargoed = ReportRun.objects.create(mission=world.mission, kinds=["voting"], status=RunStatus.DONE, progress=100)
    elsewhere = ReportRun.objects.create(
        mission=world.other_mission, kinds=["voting"], status=RunStatus.DONE, progress=100, published=True
    )
    client = world.client("odihr")
    ids = {row["id"] for row in client.get("/api/report-runs/").json()["results"]}
    assert ids == {published.pk, elsewhere.pk}
    assert client.get(f"/api/report-runs/{embargoed.pk}/").status_code == 404
    assert world.client("sto").get("/api/report-runs/").json()["results"] == []
    assert world.client("coordinator").get(f"/api/report-runs/{embargoed.pk}/").status_code == 200
    assert world.client("coordinator").get(f"/api/report-runs/{elsewhere.pk}/").status_code == 404


def _grow(world, count, start):
    from deployment.models import TeamAssignment
    from tests.factories import team_with_members

    for number in range(start, start + count):
        team = team_with_members(mission=world.mission, code=f"STO-P{number}", nationalities=("IT", "FR"))
        assignment = TeamAssignment.objects.create(team=team, mission=world.mission, region=world.north)
        assignment.tecs.set([world.north_tec])
        PlannedVisit.objects.create(assignment=assignment, polling_station=world.north_station, purpose="voting")
        ReportRun.objects.create(mission=world.mission, kinds=["voting"])
        PlanningJob.objects.create(mission=world.mission, kind="form_teams", status="done")


@pytest.mark.parametrize("endpoint", ["/api/assignments/", "/api/report-runs/", "/api/planning-jobs/"])
def test_plan_and_run_lists_make_the_same_number_of_queries_as_they_grow(
    world, endpoint, django_assert_max_num_queries
):
    client = world.client("coordinator")
    _grow(world, 1, start=0)
    with django_assert_max_num_queries(15) as small:
        assert client.get(endpoint).json()["count"] >= 1
    baseline = len(small)
    _grow(world, 10, start=1)
    with django_assert_max_num_queries(baseline):
        assert client.get(endpoint).json()["count"] >= 11


def test_a_download_url_with_the_routers_format_suffix_still_answers_with_the_file_or_404(world):
    run = ReportRun.objects.create(mission=world.mission, kinds=["voting"], status=RunStatus.RUNNING, progress=10)
    response = world.client("coordinator").get(f"/api/report-runs/{run.pk}/download/csv.json")
    assert response.status_code == 404
    assert world.client("sto").get(f"/api/report-runs/{run.pk}/download/csv.json").status_code == 404
