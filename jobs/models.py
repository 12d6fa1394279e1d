"""The fields of a row-backed background job, shared by every kind of long work (see jobs/lifecycle.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import FINISHED, JobStatus
from .notices import notice_text


class BackgroundJob(models.Model):
    """What the lifecycle records on a job's own row: state, progress, who is running it, and why it failed."""

    status = models.CharField(
        max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True, verbose_name=_("status")
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text=_("Per cent done."), verbose_name=_("progress"))
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text=_("Times a worker has started it."), verbose_name=_("attempts")
    )
    error = models.TextField(
        blank=True,
        help_text=_("Why it failed (or was queued again), in words a user can act on."),
        verbose_name=_("error"),
    )
    # Sent to the broker; empty while the broker was unreachable (the watchdog sends it again).
    dispatched_at = models.DateTimeField(null=True, blank=True, verbose_name=_("dispatched at"))
    dispatch_error = models.CharField(max_length=300, blank=True, verbose_name=_("dispatch error"))
    worker = models.CharField(
        max_length=200, blank=True, help_text=_("host:pid of the process running it."), verbose_name=_("worker")
    )
    heartbeat_at = models.DateTimeField(null=True, blank=True, verbose_name=_("heartbeat at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        abstract = True

    @property
    def error_text(self) -> str:
        """Why it failed (or was queued again), in the reader's language (the row keeps a notice)."""
        return notice_text(self.error)

    @property
    def dispatch_error_text(self) -> str:
        """Why it is not sent to the queue yet, in the reader's language."""
        return notice_text(self.dispatch_error)

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED
