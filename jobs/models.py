"""The fields of a row-backed background job, shared by every kind of long work (see jobs/lifecycle.py)."""

from django.db import models

from .choices import FINISHED, JobStatus


class BackgroundJob(models.Model):
    """What the lifecycle records on a job's own row: state, progress, who is running it, and why it failed."""

    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Times a worker has started it.")
    error = models.TextField(blank=True, help_text="Why it failed (or was queued again), in words a user can act on.")
    # Sent to the broker; empty while the broker was unreachable (the watchdog sends it again).
    dispatched_at = models.DateTimeField(null=True, blank=True)
    dispatch_error = models.CharField(max_length=300, blank=True)
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid of the process running it.")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def error_text(self) -> str:
        """Why it failed (or was queued again), in the reader's language (the row keeps a notice)."""
        from .notices import notice_text

        return notice_text(self.error)

    @property
    def dispatch_error_text(self) -> str:
        from .notices import notice_text

        return notice_text(self.dispatch_error)

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED
