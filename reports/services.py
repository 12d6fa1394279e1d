"""Writes for statistics and exports: request, compile, publish and compare report runs; log exports."""

from __future__ import annotations

import logging
import os
import socket
import tempfile
import time
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from access import actor_for
from access import can_compile as access_can_compile
from access import can_publish as access_can_publish
from checklists.choices import OBSERVATION_KINDS

from .charts import charts_render
from .choices import RunStatus
from .exports import write_csv, write_pdf, write_xlsx
from .figures import difference
from .models import ExportLog, ReportRun
from .statistics import statistics_compile

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
BROKER_DOWN_MESSAGE = (
    "The task queue is not reachable right now. Your compilation is saved as queued and will be sent "
    "automatically when the queue is back; nothing needs to be requested again."
)


def compile_time_limits() -> tuple[int, int]:
    """(soft, hard) time limits in seconds for one compilation."""
    hard = int(getattr(settings, "REPORTS_COMPILE_TIME_LIMIT", 900))
    soft = int(getattr(settings, "REPORTS_COMPILE_SOFT_TIME_LIMIT", hard - 60))
    return soft, hard


def export_log_record(*, user, mission, what: str, format: str, rows: int | None = None) -> ExportLog:
    """Log one export (every export is logged: who, when, what)."""
    return ExportLog.objects.create(
        user=user if user and user.is_authenticated else None, mission=mission, what=what, format=format, rows=rows
    )


def can_compile(user, mission) -> bool:
    """The head of mission, coordinators, analysts and the rest of the core team may request compilations."""
    return access_can_compile(actor_for(user, mission))


def can_publish(user, mission) -> bool:
    """Only the head of mission and the mission's analysts lift the embargo on a run."""
    return access_can_publish(actor_for(user, mission))


def report_run_create(*, mission, user=None, kinds=None, region=None, cutoff=None) -> ReportRun:
    """Validate a compilation request and record it as queued (not yet sent to the broker)."""
    kinds = list(kinds or OBSERVATION_KINDS)
    unknown = sorted(set(kinds) - set(OBSERVATION_KINDS))
    if unknown or not kinds:
        raise ValidationError(
            {
                "kinds": f"Unknown form kind(s): {', '.join(unknown) or 'none given'}. "
                f"Choose from {', '.join(OBSERVATION_KINDS)}."
            }
        )
    kinds = [kind for kind in OBSERVATION_KINDS if kind in kinds]
    if region is not None and region.mission_id != mission.pk:
        raise ValidationError({"region": "The region belongs to another mission."})
    if user is not None and not can_compile(user, mission):
        raise PermissionDenied("Only the core team and analysts of this mission can compile statistics.")
    return ReportRun.objects.create(
        mission=mission,
        kinds=kinds,
        region=region,
        cutoff=cutoff,
        requested_by=user if user is not None and user.is_authenticated else None,
    )


def report_run_dispatch(*, run: ReportRun) -> bool:
    """Send a queued run to the broker; when the broker is down keep it queued with a clear message."""
    from kombu.exceptions import KombuError as BrokerError

    from .tasks import report_compile

    ReportRun.objects.filter(pk=run.pk).update(dispatched_at=timezone.now(), dispatch_error="")
    try:
        # The queue comes from the task routes (settings.CELERY_TASK_ROUTES).
        report_compile.apply_async(args=[run.pk], retry=False)
    except (BrokerError, ConnectionError, OSError) as exc:
        logger.warning("report run %s kept queued: broker unreachable (%s)", run.pk, exc)
        ReportRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
            dispatched_at=None, dispatch_error=BROKER_DOWN_MESSAGE
        )
        run.refresh_from_db()
        return False
    run.refresh_from_db()
    return True


def report_run_request(*, mission, user, kinds=None, region=None, cutoff=None) -> ReportRun:
    """Record a compilation request and queue it once the transaction commits."""
    run = report_run_create(mission=mission, user=user, kinds=kinds, region=region, cutoff=cutoff)
    transaction.on_commit(lambda: report_run_dispatch(run=run))
    return run


def _me() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _holder_gone(run: ReportRun) -> bool:
    """Whether the process recorded as compiling a running run has died (so the run may be compiled again)."""
    host, _, pid_text = run.worker.rpartition(":")
    if host == socket.gethostname() and pid_text.isdigit():
        pid = int(pid_text)
        if pid == os.getpid():
            return True
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    _soft, hard = compile_time_limits()
    return run.heartbeat_at is None or run.heartbeat_at < timezone.now() - timedelta(seconds=hard + 60)


def _progress(run_id: int, pct: float) -> None:
    ReportRun.objects.filter(pk=run_id).update(progress=min(99, int(pct)), heartbeat_at=timezone.now())


def _fail(run_id: int, message: str) -> None:
    ReportRun.objects.filter(pk=run_id).update(
        status=RunStatus.FAILED, error=message[:2000], finished_at=timezone.now(), heartbeat_at=timezone.now()
    )


def _claim(run_id: int) -> ReportRun | None:
    """Mark a run as running by this process, or None when it must not be compiled (done, failed, owned elsewhere)."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run_id)
        if run.status in (RunStatus.DONE, RunStatus.FAILED):
            return None
        if run.status == RunStatus.RUNNING and not _holder_gone(run):
            return None
        if run.attempts >= MAX_ATTEMPTS:
            run.status = RunStatus.FAILED
            run.error = (
                f"Gave up after {run.attempts} attempts: the process compiling this run stopped each time "
                "(killed, out of memory or over the time limit). Try a narrower filter or ask an administrator."
            )
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "error", "finished_at"])
            return None
        now = timezone.now()
        run.status = RunStatus.RUNNING
        run.attempts += 1
        run.worker = _me()
        run.started_at = now
        run.heartbeat_at = now
        run.progress = 0
        run.error = ""
        run.save(update_fields=["status", "attempts", "worker", "started_at", "heartbeat_at", "progress", "error"])
        return run


def _build(run: ReportRun) -> None:
    """Compute the statistics, charts and output files of a claimed run, and mark it done."""
    delay = float(getattr(settings, "REPORTS_COMPILE_DELAY", 0) or 0)
    if delay and run.attempts == 1:
        # Test settings only: keeps the first attempt busy so a test can kill the worker mid-compilation.
        _progress(run.pk, 1)
        time.sleep(delay)
    cutoff = run.cutoff or run.started_at
    result = statistics_compile(
        mission=run.mission,
        kinds=run.kinds,
        region=run.region,
        cutoff=cutoff,
        progress=lambda pct: _progress(run.pk, pct * 0.5),
    )
    charts = charts_render(result)
    _progress(run.pk, 55)
    for field in (run.xlsx_file, run.csv_file, run.pdf_file):
        if field:
            field.delete(save=False)
    with tempfile.TemporaryDirectory() as directory:
        xlsx_path = os.path.join(directory, "report.xlsx")
        rows = write_xlsx(path=xlsx_path, run=run, result=result, region=run.region)
        _progress(run.pk, 75)
        csv_path = os.path.join(directory, "raw.csv")
        write_csv(path=csv_path, mission=run.mission, result=result, region=run.region)
        _progress(run.pk, 85)
        pdf_path = os.path.join(directory, "report.pdf")
        write_pdf(path=pdf_path, run=run, result=result, charts=charts)
        stem = f"{run.mission.slug}-run{run.pk}"
        for field, path, name in (
            (run.xlsx_file, xlsx_path, f"{stem}.xlsx"),
            (run.csv_file, csv_path, f"{stem}-raw.csv"),
            (run.pdf_file, pdf_path, f"{stem}.pdf"),
        ):
            with open(path, "rb") as handle:
                field.save(name, File(handle), save=False)
    run.status = RunStatus.DONE
    run.progress = 100
    run.result = result
    run.charts = charts
    run.submissions_count = rows
    run.finished_at = timezone.now()
    run.heartbeat_at = run.finished_at
    run.save(
        update_fields=[
            "status",
            "progress",
            "result",
            "charts",
            "submissions_count",
            "finished_at",
            "heartbeat_at",
            "xlsx_file",
            "csv_file",
            "pdf_file",
        ]
    )


def report_run_compile(*, run_id: int) -> ReportRun:
    """Compile a run once: a done run is left alone, a run left running by a dead process is compiled again.

    Transient database errors propagate (the task retries them); any other error marks the run failed with a message.
    """
    run = _claim(run_id)
    if run is None:
        return ReportRun.objects.get(pk=run_id)
    try:
        _build(run)
    except SoftTimeLimitExceeded:
        soft, _hard = compile_time_limits()
        _fail(run.pk, f"The compilation took longer than {soft} seconds and was stopped. Try a narrower filter.")
    except (OperationalError, InterfaceError):
        try:
            ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED, error="Database unavailable; retrying.")
        except (OperationalError, InterfaceError):
            logger.warning("report run %s: database still unavailable", run.pk)
        raise
    except Exception as exc:
        logger.exception("report run %s failed", run.pk)
        _fail(run.pk, f"The compilation failed: {exc.__class__.__name__}: {exc}")
    return ReportRun.objects.get(pk=run.pk)


def report_runs_watchdog(*, now=None, stale_after: int | None = None) -> dict:
    """Rescue runs: re-send queued runs the broker never got, re-queue (or fail) runs stuck in running."""
    now = now or timezone.now()
    if stale_after is None:
        _soft, hard = compile_time_limits()
        stale_after = hard + 60
    limit = now - timedelta(seconds=stale_after)
    requeued, failed, resent = [], [], []
    for run in ReportRun.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=limit):
        if run.attempts >= MAX_ATTEMPTS:
            _fail(
                run.pk,
                f"The process compiling this run stopped responding {run.attempts} times; the run was given up.",
            )
            failed.append(run.pk)
            continue
        updated = ReportRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING, heartbeat_at__lt=limit).update(
            status=RunStatus.QUEUED,
            error="The process compiling this run stopped responding; it was queued again.",
            worker="",
        )
        if updated:
            requeued.append(run.pk)
    # Queued runs never sent to the broker, or sent so long ago that the message must have been lost.
    pending = ReportRun.objects.filter(status=RunStatus.QUEUED).filter(
        Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=limit)
    )
    for run in list(pending) + list(ReportRun.objects.filter(pk__in=requeued)):
        if run.pk in resent:
            continue
        report_run_dispatch(run=run)
        resent.append(run.pk)
    return {"requeued": requeued, "failed": failed, "resent": resent}


def report_runs_autocompile(*, now=None, every_minutes: int | None = None) -> list[int]:
    """On election day, queue a fresh compilation of each mission whose latest run is older than `every_minutes`."""
    from missions.choices import MissionStatus
    from missions.models import Mission

    every_minutes = (
        every_minutes if every_minutes is not None else int(getattr(settings, "REPORTS_AUTOCOMPILE_MINUTES", 0))
    )
    if every_minutes <= 0:
        return []
    now = now or timezone.now()
    queued = []
    for mission in Mission.objects.filter(status=MissionStatus.ELECTION_DAY):
        runs = ReportRun.objects.filter(mission=mission)
        if runs.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
            continue
        if runs.filter(created_at__gt=now - timedelta(minutes=every_minutes)).exists():
            continue
        run = report_run_create(mission=mission)
        transaction.on_commit(lambda run=run: report_run_dispatch(run=run))
        queued.append(run.pk)
    return queued


def report_run_publish(*, run: ReportRun, user) -> ReportRun:
    """Lift the embargo on a finished run (head of mission or analyst only): ODIHR staff can then see it."""
    if not can_publish(user, run.mission):
        raise PermissionDenied("Only the head of mission or an analyst can publish a report run.")
    if run.status != RunStatus.DONE:
        raise ValidationError("Only a finished compilation can be published.")
    if not run.published:
        run.published = True
        run.published_by = user
        run.published_at = timezone.now()
        run.save(update_fields=["published", "published_by", "published_at"])
    return run


def report_runs_compare(*, old: ReportRun, new: ReportRun) -> dict:
    """What changed between two finished runs of one mission: observations, negative assessment, every answer share."""
    if old.mission_id != new.mission_id:
        raise ValidationError("Only runs of the same mission can be compared.")
    if old.status != RunStatus.DONE or new.status != RunStatus.DONE:
        raise ValidationError("Both runs must be finished to be compared.")
    before, after = old.result, new.result
    kinds = [kind for kind in OBSERVATION_KINDS if kind in before["kinds"] or kind in after["kinds"]]
    empty_kind = {
        "observations": 0,
        "stations": 0,
        "tecs": 0,
        "assessment": {"negative": {"count": 0, "pct": None}},
        "questions": [],
    }
    out_kinds, answers = [], []
    for kind in kinds:
        was = before["kinds"].get(kind, empty_kind)
        now = after["kinds"].get(kind, empty_kind)
        negative_was, negative_now = was["assessment"]["negative"], now["assessment"]["negative"]
        out_kinds.append(
            {
                "kind": kind,
                "observations": [was["observations"], now["observations"], now["observations"] - was["observations"]],
                "stations": _change(was["stations"], now["stations"]),
                "tecs": _change(was.get("tecs"), now.get("tecs")),
                "negative_pct": [
                    negative_was["pct"],
                    negative_now["pct"],
                    _delta(negative_was["pct"], negative_now["pct"]),
                ],
            }
        )
        old_questions = {question["code"]: question for question in was["questions"]}
        for question in now["questions"]:
            previous = old_questions.get(question["code"], {})
            old_values = {value["value"]: value for value in previous.get("values", [])}
            for value in question.get("values", []):
                earlier = old_values.get(value["value"], {"count": 0, "pct": None})
                if earlier["count"] == value["count"] and earlier["pct"] == value["pct"]:
                    continue
                answers.append(
                    {
                        "kind": kind,
                        "code": question["code"],
                        "text": question["text"],
                        "value": value["value"],
                        "label": value["label"],
                        "count": [earlier["count"], value["count"], value["count"] - earlier["count"]],
                        "pct": [earlier["pct"], value["pct"], _delta(earlier["pct"], value["pct"])],
                    }
                )
    answers.sort(key=lambda row: (-abs(row["pct"][2] or 0), row["kind"], row["code"], row["value"]))
    return {
        "old": old.pk,
        "new": new.pk,
        "observations_total": [
            before["coverage"]["observations_total"],
            after["coverage"]["observations_total"],
            after["coverage"]["observations_total"] - before["coverage"]["observations_total"],
        ],
        "kinds": out_kinds,
        "answers": answers,
    }


def _change(before: int | None, after: int | None) -> list:
    """[before, after, after - before] of two counts; the change is None where either is not applicable."""
    return [before, after, after - before if before is not None and after is not None else None]


def _delta(before, after):
    return difference(before, after)
