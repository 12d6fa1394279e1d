"""Celery task of the running tallies: folding pending events, under beat (CELERY_BEAT_SCHEDULE in settings)."""

from celery import shared_task

from .services import tallies_roll_up


@shared_task(name="tallies.roll_up", soft_time_limit=240, time_limit=300, ignore_result=True)
def tallies_roll_up_task() -> int:
    """Fold the events ingest has appended since the last run; safe to run twice (the second finds the lock)."""
    return tallies_roll_up()
