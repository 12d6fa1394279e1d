"""Writes for statistics and exports: request, compile, publish and compare report runs; log exports."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from access import actor_for, can_compile, can_publish, can_resolve_conflicts, require
from checklists.choices import OBSERVATION_KINDS
from jobs.lifecycle import Lifecycle
from results.reporting import official_results_section

from .charts import charts_in_language, charts_render_languages
from .choices import ConflictDecision, RunStatus
from .compile import statistics_compile
from .exports import write_csv, write_pdf, write_xlsx
from .figures import difference
from .models import ConflictResolution, ExportLog, ReportRun
from .result import ReportLabels, ReportResult

logger = logging.getLogger(__name__)


def compile_time_limits() -> tuple[int, int]:
    """(soft, hard) time limits in seconds for one compilation."""
    return int(settings.REPORTS_COMPILE_SOFT_TIME_LIMIT), int(settings.REPORTS_COMPILE_TIME_LIMIT)


def export_log_record(*, user, mission, what: dict | str, format: str, rows: int | None = None) -> ExportLog:
    """Log one export (every export is logged: who, when, what). `what` is a notice (jobs.notices.notice), kept as
    its JSON and written out in the reader's language when the log is read."""
    if isinstance(what, dict):
        what = json.dumps(what, ensure_ascii=False)
    return ExportLog.objects.create(
        user=user if user and user.is_authenticated else None, mission=mission, what=what, format=format, rows=rows
    )


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
    if user is not None:  # None: the schedule or a command (see access.system_actor); a person is asked
        require(
            can_compile(actor_for(user, mission), mission),
            _("Only the core team and analysts of this mission can compile statistics."),
        )
    return ReportRun.objects.create(
        mission=mission,
        kinds=kinds,
        region=region,
        cutoff=cutoff,
        requested_by=user if user is not None and user.is_authenticated else None,
    )


def report_run_dispatch(*, run: ReportRun) -> bool:
    """Send a queued run to the broker; when the broker is down keep it queued with a clear message."""
    return compilation.dispatch(run)


def report_run_request(*, mission, user, kinds=None, region=None, cutoff=None) -> ReportRun:
    """Record a compilation request and queue it once the transaction commits."""
    run = report_run_create(mission=mission, user=user, kinds=kinds, region=region, cutoff=cutoff)
    return compilation.enqueue(run)


def _build(run: ReportRun, progress) -> list[str]:
    """Compute the statistics, charts and output files of a claimed run; the names of the fields it set."""
    delay = float(settings.REPORTS_COMPILE_DELAY)
    if delay and run.attempts == 1:
        # Test settings only: keeps the first attempt busy so a test can kill the worker mid-compilation.
        progress(1)
        time.sleep(delay)
    cutoff = run.cutoff or run.started_at
    result = statistics_compile(
        mission=run.mission,
        kinds=run.kinds,
        region=run.region,
        cutoff=cutoff,
        progress=lambda pct: progress(pct * 0.5),
        run=run,
    )
    # Official results and their cross-check with the forms as they stood at the same cut-off, frozen with the rest.
    result.official_results = official_results_section(mission=run.mission, cutoff=cutoff, region=run.region)
    labels = ReportLabels.for_result(result, mission=run.mission)
    # The page shows the charts in its reader's language; the files are written in the mission's working language.
    charts = charts_render_languages(result, labels)
    progress(55)
    with translation.override(run.mission.language or settings.LANGUAGE_CODE):
        rows = _write_files(run, result, labels, charts_in_language(charts, translation.get_language()), progress)
    run.result = result.to_json()
    run.charts = charts
    run.submissions_count = rows
    return ["result", "charts", "submissions_count", "xlsx_file", "csv_file", "pdf_file"]


def _write_files(run: ReportRun, result: ReportResult, labels: ReportLabels, charts: dict, progress) -> int:
    """Write the run's XLSX, CSV and PDF in the active language; returns the number of raw rows."""
    for field in (run.xlsx_file, run.csv_file, run.pdf_file):
        if field:
            field.delete(save=False)
    with tempfile.TemporaryDirectory() as directory:
        xlsx_path = os.path.join(directory, "report.xlsx")
        rows = write_xlsx(path=xlsx_path, run=run, result=result, labels=labels, region=run.region)
        progress(75)
        csv_path = os.path.join(directory, "raw.csv")
        write_csv(path=csv_path, mission=run.mission, result=result, region=run.region)
        progress(85)
        pdf_path = os.path.join(directory, "report.pdf")
        write_pdf(path=pdf_path, run=run, result=result, labels=labels, charts=charts)
        stem = f"{run.mission.slug}-run{run.pk}"
        for field, path, name in (
            (run.xlsx_file, xlsx_path, f"{stem}.xlsx"),
            (run.csv_file, csv_path, f"{stem}-raw.csv"),
            (run.pdf_file, pdf_path, f"{stem}.pdf"),
        ):
            with open(path, "rb") as handle:
                field.save(name, File(handle), save=False)
    return rows


compilation = Lifecycle(
    model=ReportRun,
    task="reports.tasks.report_compile",
    what=gettext_noop("compilation"),
    work=_build,
    time_limit=compile_time_limits,
    select_related=("mission", "region"),
)


def report_run_compile(*, run_id: int) -> ReportRun:
    """Compile a run once: a done run is left alone, a run left running by a dead process is compiled again.

    Transient database errors propagate (the task retries them); any other error marks the run failed with a message.
    """
    return compilation.run(job_id=run_id)


def report_runs_watchdog(*, now=None, stale_after: int | None = None) -> dict:
    """Rescue runs: re-send queued runs the broker never got, re-queue (or fail) runs stuck in running."""
    return compilation.watchdog(now=now, stale_after=stale_after)


def report_runs_autocompile(*, now=None, every_minutes: int | None = None) -> list[int]:
    """On election day, queue a fresh compilation of each mission whose latest run is older than `every_minutes`."""
    from missions.choices import MissionStatus
    from missions.models import Mission

    every_minutes = every_minutes if every_minutes is not None else settings.REPORTS_AUTOCOMPILE_MINUTES
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
        run = compilation.enqueue(report_run_create(mission=mission))
        queued.append(run.pk)
    return queued


def report_run_publish(*, run: ReportRun, user) -> ReportRun:
    """Lift the embargo on a finished run (head of mission or analyst only): ODIHR staff can then see it."""
    require(
        can_publish(actor_for(user, run.mission), run),
        _("Only the head of mission or an analyst can publish a report run."),
    )
    if run.status != RunStatus.DONE:
        raise ValidationError(_("Only a finished compilation can be published."))
    if not run.published:
        run.published = True
        run.published_by = user
        run.published_at = timezone.now()
        run.save(update_fields=["published", "published_by", "published_at"])
    return run


def report_runs_compare(*, old: ReportRun, new: ReportRun) -> dict:
    """What changed between two finished runs of one mission: observations, negative assessment, every answer share.

    Answers are given by kind, question code and value; the page words them in the reader's language.
    """
    if old.mission_id != new.mission_id:
        raise ValidationError(_("Only runs of the same mission can be compared."))
    if old.status != RunStatus.DONE or new.status != RunStatus.DONE:
        raise ValidationError(_("Both runs must be finished to be compared."))
    before, after = old.report(), new.report()
    kinds = [kind for kind in OBSERVATION_KINDS if kind in before.kinds or kind in after.kinds]
    out_kinds, answers = [], []
    for kind in kinds:
        was, now = before.kinds.get(kind), after.kinds.get(kind)
        negative_was = was.assessment.negative.pct if was is not None else None
        negative_now = now.assessment.negative.pct if now is not None else None
        observations_was = was.observations if was is not None else 0
        observations_now = now.observations if now is not None else 0
        out_kinds.append(
            {
                "kind": kind,
                "observations": [observations_was, observations_now, observations_now - observations_was],
                "stations": _change(was.stations if was is not None else 0, now.stations if now is not None else 0),
                "tecs": _change(was.tecs if was is not None else 0, now.tecs if now is not None else 0),
                "negative_pct": [negative_was, negative_now, _delta(negative_was, negative_now)],
            }
        )
        for question in now.questions if now is not None else []:
            previous = was.question(question.code) if was is not None else None
            for value in question.values or []:
                earlier = previous.value(value.value) if previous is not None else None
                count_was, pct_was = (earlier.count, earlier.pct) if earlier is not None else (0, None)
                if count_was == value.count and pct_was == value.pct:
                    continue
                answers.append(
                    {
                        "kind": kind,
                        "code": question.code,
                        "value": value.value,
                        "count": [count_was, value.count, value.count - count_was],
                        "pct": [pct_was, value.pct, _delta(pct_was, value.pct)],
                    }
                )
    answers.sort(key=lambda row: (-abs(row["pct"][2] or 0), row["kind"], row["code"], row["value"]))
    return {
        "old": old.pk,
        "new": new.pk,
        "observations_total": [
            before.coverage.observations_total,
            after.coverage.observations_total,
            after.coverage.observations_total - before.coverage.observations_total,
        ],
        "kinds": out_kinds,
        "answers": answers,
    }


def _change(before: int | None, after: int | None) -> list:
    """[before, after, after - before] of two counts; the change is None where either is not applicable."""
    return [before, after, after - before if before is not None and after is not None else None]


def _delta(before, after):
    return difference(before, after)


def conflict_resolve(
    *, user, mission, kind: str, polling_station_id: int, forms: list[int], decision: str, right_form: int | None
) -> ConflictResolution:
    """Record a coordinator's decision on a conflict: which form is right, or that both (all) stand.

    `forms` are the forms of the conflict as the coordinator saw them; the decision applies to compilations from now.
    """
    from submissions.models import SubmissionRevision

    require(
        can_resolve_conflicts(actor_for(user, mission), mission),
        _("Only the mission's coordinators decide conflicts between teams."),
    )
    if decision not in ConflictDecision.values:
        raise ValidationError({"decision": "Choose which form is right, or that both stand."})
    # The forms as they stood in a snapshot: a form moved away from the station since still belongs to the conflict.
    known = set(
        SubmissionRevision.objects.filter(
            mission=mission, kind=kind, polling_station_id=polling_station_id, submission_id__in=forms
        ).values_list("submission_id", flat=True)
    )
    if len(forms) < 2 or known != set(forms):
        raise ValidationError({"forms": "These forms are not a conflict at this station in this mission."})
    if decision == ConflictDecision.ONE_IS_RIGHT:
        if right_form not in known:
            raise ValidationError({"right_form": "Choose the form that is right among the forms of the conflict."})
    else:
        right_form = None
    return ConflictResolution.objects.create(
        mission=mission,
        kind=kind,
        polling_station_id=polling_station_id,
        decision=decision,
        right_form_id=right_form,
        forms=sorted(known),
        decided_by=user,
        decided_at=timezone.now(),
    )
