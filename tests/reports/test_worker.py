"""Compilation on a real Celery worker: Redis and PostgreSQL in CI, the embedded broker and SQLite elsewhere."""

import json
import os
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.choices import RunStatus
from reports.models import ReportRun
from reports.services import report_run_request, report_runs_watchdog

from .data import build_election_day

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def wait_for(run, condition, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if condition(run):
            return run
        time.sleep(0.3)
    raise AssertionError(f"run {run.pk} stayed {run.status} ({run.progress}%, {run.error!r})")


def test_a_compilation_runs_on_a_real_worker_and_twice_gives_identical_results(celery_worker_factory, mission, actors):
    build_election_day(mission, forms=60, seed=3)
    celery_worker_factory()
    cutoff = timezone.now()
    runs = [report_run_request(mission=mission, user=actors["analyst"], cutoff=cutoff) for _ in range(2)]
    for run in runs:
        wait_for(run, lambda r: r.is_finished)
        assert run.status == RunStatus.DONE, run.error
        assert run.worker and run.worker.split(":")[-1] != str(os.getpid())
        assert run.xlsx_file.storage.exists(run.xlsx_file.name)
    assert json.dumps(runs[0].result, sort_keys=True) == json.dumps(runs[1].result, sort_keys=True)


def test_a_pool_process_killed_mid_compilation_leaves_the_run_requeued_and_finished(
    celery_worker_factory, mission, actors
):
    build_election_day(mission, forms=30, seed=4)
    celery_worker_factory(EOM_REPORTS_COMPILE_DELAY="30")
    run = report_run_request(mission=mission, user=actors["analyst"])
    wait_for(run, lambda r: r.status == RunStatus.RUNNING and r.progress >= 1)
    child = int(run.worker.rsplit(":", 1)[1])
    os.kill(child, 9)
    wait_for(run, lambda r: r.is_finished)
    assert run.status == RunStatus.DONE, run.error
    assert run.attempts == 2
    assert run.worker.rsplit(":", 1)[1] != str(child)


def test_a_whole_worker_killed_mid_compilation_is_rescued_by_the_watchdog_and_a_new_worker(
    celery_worker_factory, mission, actors
):
    build_election_day(mission, forms=30, seed=6)
    first = celery_worker_factory(EOM_REPORTS_COMPILE_DELAY="30")
    run = report_run_request(mission=mission, user=actors["analyst"])
    wait_for(run, lambda r: r.status == RunStatus.RUNNING and r.progress >= 1)
    first.kill()
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING  # nobody is left to finish it...
    outcome = report_runs_watchdog(stale_after=0)  # ...until the watchdog finds it without a heartbeat
    assert outcome["requeued"] == [run.pk]
    celery_worker_factory()
    wait_for(run, lambda r: r.is_finished)
    assert run.status == RunStatus.DONE, run.error
    assert run.attempts == 2


def test_with_the_broker_unreachable_the_request_is_kept_and_sent_when_it_returns(
    celery_worker_factory, mission, actors
):
    build_election_day(mission, forms=20, seed=8)
    celery_worker_factory()
    with celery_worker_factory.broker_down():
        run = report_run_request(mission=mission, user=actors["analyst"])
        run.refresh_from_db()
        assert run.status == RunStatus.QUEUED and run.dispatched_at is None
        assert "not reachable" in run.dispatch_error_text
    assert report_runs_watchdog()["resent"] == [run.pk]
    wait_for(run, lambda r: r.is_finished)
    assert run.status == RunStatus.DONE and not run.dispatch_error
    assert ReportRun.objects.count() == 1


def test_a_compilation_requested_on_the_page_returns_at_once_and_finishes_on_the_worker(
    celery_worker_factory, client, mission, actors
):
    build_election_day(mission, forms=40, seed=9)
    # The worker holds the first attempt for 20 seconds: a request that waited for the compilation would take as long.
    celery_worker_factory(EOM_REPORTS_COMPILE_DELAY="20")
    client.force_login(actors["analyst"])
    started = time.monotonic()
    response = client.post(reverse("reports:mission", args=[mission.slug]), {"kinds": ["voting"]})
    answered_in = time.monotonic() - started
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#run-{run.pk}")
    assert answered_in < 5 and not run.is_finished
    wait_for(run, lambda r: r.status == RunStatus.RUNNING and r.progress >= 1)
    status = client.get(reverse("reports:run_status", args=[run.pk])).json()
    assert (status["status"], status["finished"]) == ("running", False)
    wait_for(run, lambda r: r.is_finished)
    assert run.status == RunStatus.DONE and run.progress == 100, run.error
    assert run.worker.split(":")[-1] != str(os.getpid())
    assert client.get(reverse("reports:run_status", args=[run.pk])).json()["status"] == "done"
