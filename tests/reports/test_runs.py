"""Report runs: request, compile in the background (here in-process), idempotence, watchdog, publish, compare."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from checklists.models import Question
from reports.choices import RunStatus
from reports.compile import statistics_compile
from reports.models import ReportRun
from reports.services import (
    report_run_compile,
    report_run_create,
    report_run_publish,
    report_run_request,
    report_runs_compare,
    report_runs_watchdog,
)

pytestmark = pytest.mark.django_db


def test_a_requested_run_compiles_to_done_with_frozen_result_and_files(
    mission, election_day, actors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = report_run_request(mission=mission, user=actors["analyst"])
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert run.progress == 100 and run.attempts == 1
    assert run.dispatched_at is not None
    assert run.result["coverage"]["observations_total"] == run.submissions_count > 0
    for field in (run.xlsx_file, run.csv_file, run.pdf_file):
        assert field.storage.exists(field.name)
    assert set(run.charts) == {"en", "ru"}  # drawn in each language the site offers
    assert set(run.charts["en"]) == {"assessment_by_region", "problems_by_region"}
    assert run.charts["en"]["assessment_by_region"].lstrip().startswith("<?xml")


def test_a_done_run_is_not_compiled_again(mission, election_day):
    run = report_run_create(mission=mission)
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    finished = run.finished_at
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert (run.attempts, run.finished_at) == (1, finished)


def test_a_run_left_running_by_a_dead_process_is_compiled_again(mission, election_day):
    run = report_run_create(mission=mission)
    ReportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING,
        attempts=1,
        worker="no-such-host:1",
        heartbeat_at=timezone.now() - datetime.timedelta(hours=2),
    )
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.attempts == 2


def test_a_run_running_in_a_live_process_is_left_to_it(mission, election_day):
    import os
    import socket

    run = report_run_create(mission=mission)
    ReportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING,
        attempts=1,
        worker=f"{socket.gethostname()}:{os.getppid()}",
        heartbeat_at=timezone.now(),
    )
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.attempts == 1


def test_compiling_two_runs_with_the_same_cutoff_gives_identical_results(mission, election_day):
    cutoff = timezone.now()
    first, second = (report_run_create(mission=mission, cutoff=cutoff) for _ in range(2))
    report_run_compile(run_id=first.pk)
    report_run_compile(run_id=second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert json.dumps(first.result, sort_keys=True) == json.dumps(second.result, sort_keys=True)
    assert first.result == statistics_compile(mission=mission, cutoff=cutoff).to_json()


def test_a_failing_compilation_is_marked_failed_with_a_message(mission, election_day, monkeypatch):
    def explode(**kwargs):
        raise ValueError("broken question definition")

    monkeypatch.setattr("reports.services.statistics_compile", explode)
    run = report_run_create(mission=mission)
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "broken question definition" in run.error


def test_a_transient_database_error_requeues_the_run_and_propagates_for_retry(mission, election_day, monkeypatch):
    from django.db import OperationalError

    def drop(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("reports.services.statistics_compile", drop)
    run = report_run_create(mission=mission)
    with pytest.raises(OperationalError):
        report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED


def test_the_watchdog_requeues_a_stuck_run_and_fails_one_that_keeps_dying(mission, election_day):
    stale = timezone.now() - datetime.timedelta(hours=3)
    stuck = report_run_create(mission=mission)
    hopeless = report_run_create(mission=mission)
    ReportRun.objects.filter(pk=stuck.pk).update(
        status=RunStatus.RUNNING, attempts=1, worker="gone:1", heartbeat_at=stale, dispatched_at=stale
    )
    ReportRun.objects.filter(pk=hopeless.pk).update(
        status=RunStatus.RUNNING, attempts=3, worker="gone:2", heartbeat_at=stale, dispatched_at=stale
    )
    outcome = report_runs_watchdog()
    assert outcome["requeued"] == [stuck.pk] and outcome["failed"] == [hopeless.pk]
    stuck.refresh_from_db()
    hopeless.refresh_from_db()
    assert stuck.status == RunStatus.DONE  # re-sent and (eagerly) compiled
    assert hopeless.status == RunStatus.FAILED and "stopped responding" in hopeless.error_text


def test_broker_down_keeps_the_run_queued_with_a_message_and_the_watchdog_sends_it_later(
    mission, election_day, actors, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError as BrokerError

    from reports.tasks import report_compile

    real = report_compile.apply_async

    def down(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(report_compile, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        run = report_run_request(mission=mission, user=actors["analyst"])
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED and run.dispatched_at is None
    assert "not reachable" in run.dispatch_error_text
    monkeypatch.setattr(report_compile, "apply_async", real)
    assert report_runs_watchdog()["resent"] == [run.pk]
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.dispatch_error == ""


def test_bad_requests_are_refused_with_a_message_and_create_nothing(mission, actors):
    from tests.factories import MissionFactory, RegionFactory

    with pytest.raises(ValidationError, match="Unknown form kind"):
        report_run_request(mission=mission, user=actors["analyst"], kinds=["voting", "meeting"])
    with pytest.raises(ValidationError, match="another mission"):
        report_run_request(mission=mission, user=actors["analyst"], region=RegionFactory(mission=MissionFactory()))
    for name in ("sto", "lto", "outsider", "odihr"):
        with pytest.raises(PermissionDenied):
            report_run_request(mission=mission, user=actors[name])
    assert not ReportRun.objects.exists()


def test_only_the_head_of_mission_or_an_analyst_publishes(mission, election_day, actors):
    run = report_run_create(mission=mission)
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    for name in ("coordinator", "sto", "lto", "outsider", "odihr"):
        with pytest.raises(PermissionDenied):
            report_run_publish(run=run, user=actors[name])
    assert not ReportRun.objects.get(pk=run.pk).published
    report_run_publish(run=run, user=actors["head"])
    run.refresh_from_db()
    assert run.published and run.published_by == actors["head"]


def test_an_unfinished_run_cannot_be_published(mission, actors):
    run = report_run_create(mission=mission)
    with pytest.raises(ValidationError):
        report_run_publish(run=run, user=actors["analyst"])


def test_compare_shows_what_changed_between_runs(mission, election_day):
    from submissions.models import Submission

    early_cutoff = sorted(Submission.objects.filter(mission=mission).values_list("received_at", flat=True))[30]
    old = report_run_create(mission=mission, cutoff=early_cutoff)
    new = report_run_create(mission=mission, cutoff=timezone.now())
    report_run_compile(run_id=old.pk)
    report_run_compile(run_id=new.pk)
    old.refresh_from_db()
    new.refresh_from_db()
    diff = report_runs_compare(old=old, new=new)
    before, after = old.result["coverage"]["observations_total"], new.result["coverage"]["observations_total"]
    assert diff["observations_total"] == [before, after, after - before]
    voting = next(row for row in diff["kinds"] if row["kind"] == "voting")
    assert (
        voting["observations"][2]
        == new.result["kinds"]["voting"]["observations"] - old.result["kinds"]["voting"]["observations"]
    )
    assert diff["answers"]
    for row in diff["answers"]:
        assert row["count"][2] == row["count"][1] - row["count"][0]
    assert report_runs_compare(old=new, new=new)["answers"] == []


def test_on_election_day_a_fresh_compilation_is_queued_when_the_latest_is_older_than_the_interval(
    mission, election_day, django_capture_on_commit_callbacks
):
    from missions.choices import MissionStatus
    from reports.services import report_runs_autocompile

    assert report_runs_autocompile(every_minutes=30) == []  # not election day yet
    mission.status = MissionStatus.ELECTION_DAY
    mission.save(update_fields=["status"])
    assert report_runs_autocompile(every_minutes=0) == []  # switched off
    with django_capture_on_commit_callbacks(execute=True):
        first = report_runs_autocompile(every_minutes=30)
    assert len(first) == 1 and ReportRun.objects.get(pk=first[0]).status == RunStatus.DONE
    assert report_runs_autocompile(every_minutes=30) == []  # the latest run is recent
    later = timezone.now() + datetime.timedelta(minutes=31)
    assert len(report_runs_autocompile(now=later, every_minutes=30)) == 1


HOSTILE_REGION_NAME = r"$\undefinedmacro{x}$"
HOSTILE_QUESTION_TEXT = r"_Was $\frac{a}{b}$ stuffing seen?"


def test_a_region_name_in_mathtext_syntax_is_drawn_literally_and_the_run_compiles(mission, election_day):
    region = election_day["regions"][0]
    region.name = HOSTILE_REGION_NAME
    region.save()
    Question.objects.filter(template__mission=mission, code="stuffing").update(text=HOSTILE_QUESTION_TEXT)
    run = report_run_create(mission=mission)
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert HOSTILE_REGION_NAME in run.charts["en"]["assessment_by_region"]
    assert HOSTILE_REGION_NAME in run.charts["en"]["problems_by_region"]
    # The legend keeps a question whose text starts with an underscore (matplotlib would hide it).
    assert HOSTILE_QUESTION_TEXT in run.charts["en"]["problems_by_region"]
