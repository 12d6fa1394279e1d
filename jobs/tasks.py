"""The watchdog of every kind of background job (jobs/lifecycle.py), run by beat and when a worker starts."""

from celery import shared_task

from .lifecycle import watchdog_all


@shared_task(name="jobs.watchdog", soft_time_limit=60, time_limit=90)
def jobs_watchdog() -> dict:
    """Send again what the broker never got, and rescue jobs left running by a dead process; safe to run any time."""
    return watchdog_all()
