"""The compile_report command, the watchdog command, and the compile/export benchmarks at a tiny scale."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from reports.choices import RunStatus
from reports.models import ReportRun

pytestmark = pytest.mark.django_db


def test_compile_report_compiles_through_the_task_and_prints_the_run_and_its_files(mission, election_day):
    out = io.StringIO()
    call_command("compile_report", "--mission", mission.slug, "--kinds", "voting,counting", stdout=out)
    run = ReportRun.objects.get()
    lines = out.getvalue().splitlines()
    assert lines[0] == f"run {run.pk} done"
    assert run.kinds == ["voting", "counting"] and run.status == RunStatus.DONE
    paths = [Path(line) for line in lines[1:]]
    assert [path.suffix for path in paths] == [".xlsx", ".csv", ".pdf"]
    assert all(path.exists() and path.stat().st_size > 0 for path in paths)


def test_compile_report_compiles_in_process_when_no_worker_takes_the_run(mission, election_day, monkeypatch):
    from reports.management.commands import compile_report
    from reports.tasks import report_compile

    sent = []
    monkeypatch.setitem(report_compile.app.conf, "task_always_eager", False)
    monkeypatch.setattr(report_compile, "apply_async", lambda *args, **kwargs: sent.append(kwargs["args"]))
    monkeypatch.setattr(compile_report, "CLAIM_WAIT_SECONDS", 0.5)
    out, err = io.StringIO(), io.StringIO()
    call_command("compile_report", "--mission", mission.slug, "--kinds", "voting", stdout=out, stderr=err)
    run = ReportRun.objects.get()
    assert sent == [[run.pk]]  # it was sent to the broker first...
    assert f"No worker took run {run.pk}" in err.getvalue()  # ...and nobody took it
    assert out.getvalue().splitlines()[0] == f"run {run.pk} done" and run.attempts == 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--mission", "nowhere"], "No mission"),
        (["--mission", "kz-2019", "--kinds", "voting,meeting"], "Unknown form kind"),
        (["--mission", "kz-2019", "--region", "ZZ"], "no region"),
        (["--mission", "kz-2019", "--cutoff", "yesterday"], "ISO 8601"),
    ],
)
def test_compile_report_refuses_bad_input_with_a_message_and_creates_nothing(mission, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("compile_report", *arguments, stdout=io.StringIO())
    assert not ReportRun.objects.exists()


def test_the_watchdog_command_reports_what_it_did(mission):
    out = io.StringIO()
    call_command("report_watchdog", stdout=out)
    assert out.getvalue().strip() == "re-queued 0, failed 0, sent 0"


@pytest.mark.slow
def test_the_compile_benchmark_runs_at_tiny_scale():
    from bench import bench_compile

    figures = bench_compile.run("tiny")
    entry = figures["sizes"]["200"]
    assert entry["observations"] == entry["forms"] == 200
    assert entry["compile_seconds"] > 0 and entry["sql_seconds"] > 0 and entry["sql_groups"] > 0
    assert entry["recount_seconds"] > 0 and entry["identical"] is True
    assert entry["answers_phase_tallies_seconds"] > 0 and entry["tally_rows"] > 0
    from .test_statistics import COMPILE_QUERIES

    # Voting forms only: no opening or count can conflict, so the conflicts query is not needed; compiled into a
    # run, as the worker compiles, which writes its flagged forms (a delete of any left by an earlier attempt, then
    # one INSERT ... SELECT).
    assert entry["compile_queries"] == COMPILE_QUERIES[settings.REPORTS_COUNT_ANSWERS] - 1 + 2


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # the export runs in a child process that must see the data
def test_the_export_benchmark_runs_at_tiny_scale(monkeypatch):
    from django.db import connection

    from tests.workers import database_url

    if connection.vendor != "postgresql":
        pytest.skip("the export child process needs a shared database (PostgreSQL)")
    from bench import bench_export

    monkeypatch.setenv("DATABASE_URL", database_url())

    figures = bench_export.run("tiny")
    assert set(figures["formats"]) == {"xlsx", "csv"}
    for entry in figures["formats"].values():
        assert entry["rows"] == figures["forms"] == 200
        assert entry["peak_rss_mb"] > 0 and entry["seconds"] >= 0
