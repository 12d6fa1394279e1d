"""The one background-job lifecycle (jobs/lifecycle.py), shown on planning jobs, which took it over from report runs."""

import datetime
import os
import socket

import pytest
from django.conf import settings
from django.utils import timezone, translation

from access import system_actor
from deployment.models import PlanningJob, TeamAssignment
from deployment.services import planning_job_execute, planning_job_start
from deployment.services.jobs import planning
from jobs.choices import JobStatus
from jobs.lifecycle import lifecycles, watchdog_all
from observers.choices import MemberRole
from observers.models import Team
from reports.models import ReportRun
from tests.deployment.builders import geography, roster

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed(mission):
    geography(mission, {"North": [(20, 0.5)], "South": [(20, 0.3)]}, neighbours=[("North", "South")])
    roster(mission, 2, role=MemberRole.LTO)
    roster(mission, 8)
    return mission


def _pid_of_a_finished_process() -> int:
    """A pid on this host that no process has any more."""
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid


def test_planning_jobs_and_report_runs_are_one_lifecycle_with_one_set_of_states():
    from deployment.choices import JobStatus as PlanningStatus
    from reports.choices import RunStatus

    assert PlanningStatus is JobStatus and RunStatus is JobStatus
    assert set(lifecycles()) == {
        "deployment.PlanningJob",
        "reports.ReportRun",
        "missions.StationImport",
        "observers.RosterImport",
        "results.ResultsImport",
    }
    assert PlanningJob._meta.get_field("status").choices == ReportRun._meta.get_field("status").choices


def test_a_planning_job_is_claimed_runs_with_a_heartbeat_and_finishes(staffed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = planning_job_start(
            actor=system_actor(staffed), mission=staffed, kind="form_teams", parameters={"kind": "all"}
        )
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.progress == 100, job.error
    assert job.attempts == 1 and job.dispatched_at is not None
    assert job.worker == f"{socket.gethostname()}:{os.getpid()}"
    assert job.started_at <= job.heartbeat_at == job.finished_at
    assert job.summary["teams_formed"] == Team.objects.filter(mission=staffed).count() == 5


def test_a_second_delivery_of_a_finished_planning_job_does_nothing(staffed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = planning_job_start(
            actor=system_actor(staffed), mission=staffed, kind="form_teams", parameters={"kind": "all"}
        )
    job.refresh_from_db()
    planning_job_execute(job_id=job.pk)
    again = PlanningJob.objects.get(pk=job.pk)
    assert (again.attempts, again.finished_at, again.status) == (1, job.finished_at, JobStatus.DONE)
    assert Team.objects.filter(mission=staffed).count() == 5


def test_a_planning_job_refused_by_the_rules_fails_with_their_reason(mission, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = planning_job_start(actor=system_actor(mission), mission=mission, kind="plan_deployment")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert job.error_text == "Kazakhstan 2019 has no regions yet: import the geography before planning."
    with translation.override("ru"):  # kept as a notice: a Russian reader reads it in Russian
        assert (
            job.error_text == "В миссии Kazakhstan 2019 ещё нет регионов: импортируйте географию перед планированием."
        )
    assert TeamAssignment.objects.count() == 0


def test_with_the_broker_down_a_planning_job_waits_queued_and_the_watchdog_sends_it(
    staffed, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError as BrokerError

    from deployment.tasks import planning_job_run

    real = planning_job_run.apply_async

    def down(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(planning_job_run, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        job = planning_job_start(
            actor=system_actor(staffed), mission=staffed, kind="form_teams", parameters={"kind": "all"}
        )
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.dispatched_at is None and "not reachable" in job.dispatch_error_text
    monkeypatch.setattr(planning_job_run, "apply_async", real)
    assert watchdog_all()["deployment.PlanningJob"]["resent"] == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.dispatch_error == "" and job.summary["teams_formed"] == 5


def test_the_watchdog_requeues_at_once_a_job_whose_process_on_this_host_died(staffed):
    dead = f"{socket.gethostname()}:{_pid_of_a_finished_process()}"
    alive = f"{socket.gethostname()}:{os.getppid()}"
    now = timezone.now()
    orphan = PlanningJob.objects.create(
        mission=staffed,
        kind="form_teams",
        parameters={"kind": "all", "seed": 1, "reform": False},
        status=JobStatus.RUNNING,
        attempts=1,
        worker=dead,
        heartbeat_at=now,
        dispatched_at=now,
    )
    busy = PlanningJob.objects.create(
        mission=staffed,
        kind="plan_deployment",
        status=JobStatus.RUNNING,
        attempts=1,
        worker=alive,
        heartbeat_at=now,
        dispatched_at=now,
    )
    outcome = planning.watchdog()
    assert outcome["requeued"] == [orphan.pk] and outcome["failed"] == []
    orphan.refresh_from_db()
    busy.refresh_from_db()
    assert orphan.status == JobStatus.DONE and orphan.attempts == 2  # sent again and (here, eagerly) run
    assert busy.status == JobStatus.RUNNING and busy.worker == alive


def test_a_job_that_keeps_dying_is_given_up_with_the_reason(staffed):
    stale = timezone.now() - datetime.timedelta(hours=1)
    job = PlanningJob.objects.create(
        mission=staffed,
        kind="form_teams",
        status=JobStatus.RUNNING,
        attempts=3,
        worker="elsewhere:7",
        heartbeat_at=stale,
        dispatched_at=stale,
    )
    assert planning.watchdog()["failed"] == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "stopped responding 3 times" in job.error_text


def test_routes_and_the_beat_schedule_are_declared_in_settings_not_by_importing_tasks():
    import json
    import subprocess
    import sys

    script = (
        "import json, django; django.setup()\n"
        "from config.celery import app\n"
        "before = sorted(app.conf.beat_schedule)\n"
        "from jobs.lifecycle import lifecycles; lifecycles()\n"
        "print(json.dumps([before, sorted(app.conf.beat_schedule), app.amqp.router.route({}, 'reports.compile'),"
        " app.amqp.router.route({}, 'deployment.planning_job_run'), app.amqp.router.route({}, 'jobs.watchdog')],"
        " default=lambda queue: queue.name))"
    )
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=settings.BASE_DIR, check=True
    )
    before, after, compile_route, planning_route, watchdog_route = json.loads(result.stdout.strip().splitlines()[-1])
    assert before == after == sorted(settings.CELERY_BEAT_SCHEDULE)
    assert {"jobs-watchdog", "reports-autocompile"} <= set(after)
    assert (compile_route["queue"], planning_route["queue"], watchdog_route["queue"]) == (
        "reports",
        "planning",
        "default",
    )
