"""Imports of large files as background jobs: the request keeps the file on a job's row and returns at once; a worker
checks every row and writes all of them or none, as the import service does for a command.

Every kind of import uses the one job lifecycle (jobs/lifecycle.py) the same way; polling stations here, the roster
in observers/import_jobs.py and official results in results/import_jobs.py:

1. Its model inherits `missions.models.ImportJob` (the mission, who asked, the file's name and bytes, the form's
   options, and the outcome).
2. Its `Lifecycle` does `import_work(service)`: the very service a management command calls, on the kept file, as
   `access.job_actor` of whoever queued it (asked again when the worker starts, so a coordinator who lost the role
   since imports nothing). A file with a bad row fails the job: its outcome lists every row error and nothing is
   written.
3. A request asks the named rule (access.verbs, e.g. ``can_import_stations``) and calls `import_job_start`, which
   keeps the file and queues the job after the commit. One import of a kind runs at a time in a mission.
4. Its task is a thin wrapper in the app's tasks.py; `CELERY_TASK_ROUTES` sends it to the "imports" queue.

The outcome keeps the report's figures, summary and row errors as notices (jobs/notices.py), written out in the
reader's language when the job's page shows them.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from access import Actor, can_import_stations, job_actor, require
from jobs.choices import PENDING
from jobs.lifecycle import Lifecycle
from jobs.notices import notice_dumps

from .imports import stations_import
from .models import ImportJob, Mission, StationImport
from .spreadsheets import ImportReport

# (soft, hard) seconds for one import: a list of 200,000 rows is checked and written well within them.
TIME_LIMITS = (600, 660)


def import_time_limits() -> tuple[int, int]:
    return TIME_LIMITS


def _too_big(size: int, limit: int) -> ValidationError:
    return ValidationError(
        _("The file is %(size)s KB; the limit is %(limit)s KB.") % {"size": size // 1024, "limit": limit // 1024}
    )


def upload_content(upload) -> bytes:
    """The bytes of an upload (a file or bytes), refused before it is kept when it is over the import size limit."""
    limit = settings.IMPORT_MAX_BYTES
    if isinstance(upload, bytes):
        raw = upload
    else:
        declared = getattr(upload, "size", None)
        if declared is not None and declared > limit:
            raise _too_big(declared, limit)
        raw = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
    if len(raw) > limit:
        raise _too_big(len(raw), limit)
    return raw


def import_job_start(
    lifecycle: Lifecycle, *, mission: Mission, upload, filename: str | None = None, options: dict, user=None
) -> ImportJob:
    """Keep the file on a new job of the lifecycle's kind and queue it after the commit (the caller has asked the
    access rule). While an import of the same kind is pending in the mission, another is refused with a message."""
    model = lifecycle.model
    content = upload_content(upload)
    with transaction.atomic():
        Mission.objects.select_for_update().filter(pk=mission.pk).first()
        # A job silent for longer than the hard time limit has lost its worker: close it so a new one can run.
        lifecycle.fail_stale(model.objects.filter(mission=mission), notice_dumps("jobs.not_finished"))
        if model.objects.filter(mission=mission, status__in=PENDING).exists():
            raise ValidationError(
                _("An import of this kind is still running for %(mission)s: wait for it to finish.")
                % {"mission": mission.name}
            )
        job = model.objects.create(
            mission=mission,
            requested_by=user if user is not None and user.is_authenticated else None,
            filename=(filename or getattr(upload, "name", "") or "")[:255],
            content=content,
            options=options,
        )
    return lifecycle.enqueue(job)


def report_outcome(report: ImportReport) -> dict:
    """What an import did, as data to keep on its job: the figures, and the summary and every row error as notices
    (written out in the reader's language when the job's page shows them)."""
    return report.as_data()


def report_failure(report: ImportReport) -> str:
    """Why a job whose file had bad rows failed (its outcome lists them), as a notice for the job's error."""
    return json.dumps(report.summary_notice(), ensure_ascii=False)


def import_work(
    service: Callable[..., ImportReport],
    *,
    arguments: Callable[[ImportJob, Actor | None], dict] | None = None,
    outcome: Callable[[ImportReport], dict] = report_outcome,
) -> Callable:
    """The work of an import job (a Lifecycle's `work`): run `service` on the kept file as whoever queued the job.

    `arguments(job, actor)` gives the service's keyword arguments besides the file (default: the actor, the mission
    and the job's options). A report with errors fails the job with its outcome kept; the service wrote nothing.
    """

    def work(job: ImportJob, progress) -> list[str]:
        actor = job_actor(job.requested_by, job.mission)
        kwargs = arguments(job, actor) if arguments else {"actor": actor, "mission": job.mission, **job.options}
        progress(1)
        report = service(upload=bytes(job.content), filename=job.filename, progress=progress, **kwargs)
        job.outcome = outcome(report)
        if not report.ok:
            type(job).objects.filter(pk=job.pk).update(outcome=job.outcome)
            raise ValidationError(report_failure(report))
        return ["outcome"]

    return work


# ------------------------------------------------------------------------------------------------ polling stations

station_imports = Lifecycle(
    model=StationImport,
    task="missions.tasks.stations_import_run",
    what=gettext_noop("station import"),
    work=import_work(stations_import),
    time_limit=import_time_limits,
    select_related=("mission", "requested_by"),
)


def stations_import_start(
    *,
    actor: Actor | None,
    mission: Mission,
    upload,
    filename: str | None = None,
    create_geography: bool = False,
    columns: dict[str, str] | None = None,
    user=None,
) -> StationImport:
    """Queue a station list for import into the mission (the rows are checked by the worker, as
    ``missions.imports.stations_import`` does for a command); only who may import the mission's stations may."""
    require(can_import_stations(actor, mission), _("Only the mission's coordinators import its polling stations."))
    options = {"create_geography": bool(create_geography), "columns": dict(columns or {})}
    return import_job_start(
        station_imports, mission=mission, upload=upload, filename=filename, options=options, user=user
    )
