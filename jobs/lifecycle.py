"""One lifecycle for every piece of long work: a row records the job, a Celery task does it, the row tells the story.

How a kind of long work uses it (report compilation in reports/services.py, deployment planning in
deployment/services/jobs.py and the imports of station lists, rosters and official results in
missions/import_jobs.py, observers/import_jobs.py and results/import_jobs.py do exactly this):

1. Its model inherits `jobs.models.BackgroundJob` (status, progress, attempts, error, dispatch and heartbeat fields).
2. It defines one `Lifecycle` with the model, the dotted path of its task, a short noun for messages, its time limits
   and `work(job, progress)`: the work itself, which calls `progress(percent)` now and then, sets the job's result
   fields and returns their names. A `ValidationError` it raises fails the job with its messages.
3. Its task is a thin wrapper declared with the lifecycle's options:
   `@shared_task(name="app.thing", **lifecycle.task_options())` calling `lifecycle.run(job_id=...)`.
4. A request creates the row and calls `lifecycle.enqueue(job)`: the id goes to the broker after the commit.
5. `CELERY_TASK_ROUTES` in settings names the task's queue.

What the lifecycle guarantees:
- Dispatch while the broker is down: the row stays queued with `dispatch_error` set (a message the page shows) and
  nothing is lost; the watchdog sends it when the broker is back. The request that created it never fails for it.
- Claim: a worker takes a job under a row lock, records itself (host:pid), counts the attempt, and starts the
  heartbeat. A second delivery of the same message finds the job done, or running in a live process, and does nothing;
  a job left running by a dead process is taken over; after `max_attempts` starts it fails with the reason.
- Progress: `progress(percent)` writes the percentage (1-99) and the heartbeat.
- Finish and failure: done with progress 100; failed with a reason (over the soft time limit, a `ValidationError`,
  any other error). A transient database error puts the job back in the queue and propagates, so Celery retries.
- Watchdog (`jobs.watchdog` under beat, and once when a worker starts): sends again jobs the broker never got or
  lost, and queues again (or, after `max_attempts`, fails) jobs whose process died: at once when it was on this host,
  otherwise when the heartbeat is older than the hard time limit.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from .choices import FINISHED, JobStatus
from .models import BackgroundJob
from .notices import notice_dumps, refusal

logger = logging.getLogger(__name__)

# Messages are stored as notices (jobs/notices.py) and written out in the reader's language when shown.
BROKER_DOWN_MESSAGE = notice_dumps("jobs.broker_down")

# Every lifecycle defined, by model label: each registers itself when its module is imported (see lifecycles()).
REGISTRY: dict[str, Lifecycle] = {}


def this_process() -> str:
    """host:pid, as recorded on the job a process is running."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _dead_here(holder: str) -> bool:
    """Whether `holder` (host:pid) names a process of this host that no longer exists."""
    host, _, pid_text = holder.rpartition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass
class Lifecycle:
    """The lifecycle of one kind of job: see the module's docstring for how a new kind of long work uses it."""

    model: type[BackgroundJob]
    task: str  # dotted path of the Celery task, e.g. "reports.tasks.report_compile"
    what: str  # what the job is called in messages, marked with gettext_noop, e.g. gettext_noop("compilation")
    work: Callable  # work(job, progress) -> names of the result fields it set on the job
    time_limit: Callable[[], tuple[int, int]]  # (soft, hard) seconds, read when needed so settings can change them
    max_attempts: int = 3
    select_related: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self):
        REGISTRY[self.model._meta.label] = self

    # Sending ---------------------------------------------------------------------------------------------------

    def task_options(self) -> dict:
        """Options for the job's @shared_task: safe to deliver twice, retried on transient database errors only."""
        soft, hard = self.time_limit()
        return {
            "acks_late": True,
            "reject_on_worker_lost": True,
            "autoretry_for": (OperationalError, InterfaceError),
            "retry_backoff": 5,
            "retry_backoff_max": 120,
            "retry_jitter": True,
            "max_retries": 5,
            "soft_time_limit": soft,
            "time_limit": hard,
        }

    def dispatch(self, job: BackgroundJob) -> bool:
        """Send a queued job to the broker; when the broker is down keep it queued with a message the user sees."""
        from kombu.exceptions import KombuError

        task = import_string(self.task)
        self.model.objects.filter(pk=job.pk).update(dispatched_at=timezone.now(), dispatch_error="")
        try:
            # The queue comes from the task routes (settings.CELERY_TASK_ROUTES).
            task.apply_async(args=[job.pk], retry=False)
        except (KombuError, ConnectionError, OSError) as exc:
            logger.warning("%s %s kept queued: broker unreachable (%s)", self.what, job.pk, exc)
            self.model.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
                dispatched_at=None, dispatch_error=BROKER_DOWN_MESSAGE
            )
            job.refresh_from_db()
            return False
        job.refresh_from_db()
        return True

    def enqueue(self, job: BackgroundJob) -> BackgroundJob:
        """Send the job once the transaction that created it commits (a rolled-back request sends nothing)."""
        transaction.on_commit(lambda: self.dispatch(job))
        return job

    # Running ---------------------------------------------------------------------------------------------------

    def _holder_gone(self, job: BackgroundJob) -> bool:
        """Whether the process recorded as running a job has died, so that the job may be taken over."""
        host, _, pid_text = job.worker.rpartition(":")
        if host == socket.gethostname() and pid_text.isdigit():
            # Our own pid: an earlier attempt in this very process died without finishing (it is not running now).
            return int(pid_text) == os.getpid() or _dead_here(job.worker)
        _soft, hard = self.time_limit()
        return job.heartbeat_at is None or job.heartbeat_at < timezone.now() - timedelta(seconds=hard + 60)

    def claim(self, job_id: int) -> BackgroundJob | None:
        """Mark a job as running in this process, or None when it must not run here (finished, or running elsewhere)."""
        with transaction.atomic():
            job = self.model.objects.select_for_update().filter(pk=job_id).first()
            if job is None or job.status in FINISHED:
                return None
            if job.status == JobStatus.RUNNING and not self._holder_gone(job):
                return None
            now = timezone.now()
            if job.attempts >= self.max_attempts:
                job.status = JobStatus.FAILED
                job.error = notice_dumps("jobs.gave_up", n=job.attempts, what=self.what)
                job.finished_at = now
                job.save(update_fields=["status", "error", "finished_at"])
                return None
            job.status = JobStatus.RUNNING
            job.attempts += 1
            job.worker = this_process()
            job.started_at = now
            job.heartbeat_at = now
            job.progress = 0
            job.error = ""
            job.save(update_fields=["status", "attempts", "worker", "started_at", "heartbeat_at", "progress", "error"])
        if self.select_related:
            job = self.model.objects.select_related(*self.select_related).get(pk=job_id)
        return job

    def progress(self, job_id: int, percent: float) -> None:
        """Record progress (kept between 1 and 99 until the job is done) and the heartbeat."""
        self.model.objects.filter(pk=job_id).update(progress=max(1, min(99, int(percent))), heartbeat_at=timezone.now())

    def fail(self, job_id: int, message: str) -> None:
        """Mark a job failed, with the reason."""
        now = timezone.now()
        self.model.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, error=message[:2000], finished_at=now, heartbeat_at=now
        )

    def finish(self, job: BackgroundJob, fields: list[str]) -> None:
        """Mark a job done, saving the result fields its work set."""
        job.status = JobStatus.DONE
        job.progress = 100
        job.finished_at = timezone.now()
        job.heartbeat_at = job.finished_at
        job.save(update_fields=["status", "progress", "finished_at", "heartbeat_at", *fields])

    def run(self, *, job_id: int) -> BackgroundJob | None:
        """Run a job once (its task calls this): claim it, do the work, and finish or fail it with the reason.

        Transient database errors put the job back in the queue and propagate (the task retries them).
        """
        job = self.claim(job_id)
        if job is None:
            return self.model.objects.filter(pk=job_id).first()
        try:
            # The files and texts a job writes are in the site's language, whichever thread runs it (a worker, or a
            # request that ran it in-process with the reader's language active).
            with translation.override(settings.LANGUAGE_CODE):
                fields = self.work(job, lambda percent: self.progress(job.pk, percent))
        except SoftTimeLimitExceeded:
            soft, _hard = self.time_limit()
            self.fail(job.pk, notice_dumps("jobs.too_long", what=self.what, seconds=soft))
        except (ValidationError, PermissionDenied) as error:  # PermissionDenied: whoever queued it may no longer
            self.fail(job.pk, json.dumps(refusal(error), ensure_ascii=False))
        except (OperationalError, InterfaceError):
            try:
                self.model.objects.filter(pk=job.pk).update(
                    status=JobStatus.QUEUED, error=notice_dumps("jobs.database_down")
                )
            except (OperationalError, InterfaceError):
                logger.warning("%s %s: database still unavailable", self.what, job.pk)
            raise
        except Exception as exc:
            logger.exception("%s %s failed", self.what, job.pk)
            self.fail(
                job.pk, notice_dumps("jobs.failed", what=self.what, error=f"{exc.__class__.__name__}: {exc}"[:1500])
            )
        else:
            self.finish(job, list(fields))
        return self.model.objects.get(pk=job.pk)

    # Rescuing --------------------------------------------------------------------------------------------------

    def stale_after(self) -> int:
        """Seconds without a heartbeat after which a running job's process is presumed dead."""
        _soft, hard = self.time_limit()
        return hard + 60

    def watchdog(self, *, now=None, stale_after: int | None = None) -> dict:
        """Queue again (or fail) jobs whose process died; send again queued jobs the broker never got or lost."""
        now = now or timezone.now()
        limit = now - timedelta(seconds=self.stale_after() if stale_after is None else stale_after)
        requeued, failed, resent = [], [], []
        silent = Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True)
        on_this_host = Q(worker__startswith=f"{socket.gethostname()}:")
        for job in self.model.objects.filter(status=JobStatus.RUNNING).filter(silent | on_this_host):
            beat = job.heartbeat_at
            if (beat is not None and beat >= limit) and not _dead_here(job.worker):
                continue  # on this host, alive and beating
            if job.attempts >= self.max_attempts:
                self.fail(job.pk, notice_dumps("jobs.stopped_given_up", n=job.attempts, what=self.what))
                failed.append(job.pk)
                continue
            updated = self.model.objects.filter(pk=job.pk, status=JobStatus.RUNNING, heartbeat_at=beat).update(
                status=JobStatus.QUEUED,
                error=notice_dumps("jobs.stopped_queued_again", what=self.what),
                worker="",
            )
            if updated:
                requeued.append(job.pk)
        # Queued jobs never sent to the broker, or sent so long ago that the message must have been lost.
        pending = self.model.objects.filter(status=JobStatus.QUEUED).filter(
            Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=limit) | Q(pk__in=requeued)
        )
        for job in pending.order_by("pk"):
            self.dispatch(job)
            resent.append(job.pk)
        return {"requeued": requeued, "failed": failed, "resent": resent}

    def fail_stale(self, queryset, message: str) -> list[int]:
        """Fail the pending jobs of `queryset` that have shown no sign of life for longer than the hard time limit."""
        limit = timezone.now() - timedelta(seconds=self.stale_after())
        stale = queryset.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).filter(
            Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, created_at__lt=limit)
        )
        ids = list(stale.values_list("pk", flat=True))
        for job_id in ids:
            self.fail(job_id, message)
        return ids


def lifecycles() -> dict[str, Lifecycle]:
    """Every kind of background job, by model label (importing each app's tasks.py, which defines its lifecycle)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")
    return dict(REGISTRY)


def watchdog_all(**kwargs) -> dict:
    """Run the watchdog of every kind of background job; the outcome by model label."""
    return {label: lifecycle.watchdog(**kwargs) for label, lifecycle in lifecycles().items()}
