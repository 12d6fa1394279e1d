"""Official results imported in the background (missions/import_jobs.py): the request keeps the file on a job and
returns at once; the worker checks every row and adds a new version, or writes nothing when a row is bad."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from access import Actor, can_import_results, require
from jobs.lifecycle import Lifecycle
from missions.import_jobs import import_job_start, import_time_limits, import_work, report_outcome
from missions.models import Mission

from .choices import ResultsLevel, ResultsStage
from .imports import ResultsImportReport, results_import
from .models import ResultsImport


def _arguments(job: ResultsImport, actor: Actor | None) -> dict:
    """The service's arguments from what the form asked (kept as JSON on the job)."""
    options = job.options
    published_on = options.get("published_on")
    return {
        "actor": actor,
        "user": job.requested_by,
        "mission": job.mission,
        "mapping": options.get("mapping") or None,
        "stage": options.get("stage", ResultsStage.PRELIMINARY),
        "label": options.get("label", ""),
        "published_on": datetime.date.fromisoformat(published_on) if published_on else None,
        "level": options.get("level", ResultsLevel.STATION),
    }


def _outcome(report: ResultsImportReport) -> dict:
    """The import's outcome, with the version it made and the file's columns (shown when a column is missing)."""
    return {
        **report_outcome(report),
        "version": report.version.number if report.version is not None else None,
        "headers": report.headers,
        "unknown_stations": report.unknown_stations,
    }


results_imports = Lifecycle(
    model=ResultsImport,
    task="results.tasks.results_import_run",
    what=gettext_noop("results import"),
    work=import_work(results_import, arguments=_arguments, outcome=_outcome),
    time_limit=import_time_limits,
    select_related=("mission", "requested_by"),
)


def results_import_start(
    *,
    actor: Actor | None,
    mission: Mission,
    upload,
    filename: str | None = None,
    mapping: dict | None = None,
    stage: str = ResultsStage.PRELIMINARY,
    label: str = "",
    published_on: datetime.date | None = None,
    level: str = ResultsLevel.STATION,
    user=None,
) -> ResultsImport:
    """Queue a file of official results for import as a new version (checked by the worker, as
    ``results.imports.results_import`` does for a command); only who may import the mission's results may."""
    require(can_import_results(actor, mission), _("Only the mission's coordinators import its official results."))
    if level not in ResultsLevel.values or stage not in ResultsStage.values:
        raise ValidationError(_("Choose a level and a stage of the official results."))
    options = {
        "mapping": dict(mapping or {}),
        "stage": stage,
        "label": label,
        "published_on": published_on.isoformat() if published_on else None,
        "level": level,
    }
    return import_job_start(
        results_imports, mission=mission, upload=upload, filename=filename, options=options, user=user
    )
