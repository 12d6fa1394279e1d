"""Celery tasks of incident follow-up: thin wrappers that take ids and call one service."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import case_notify, cases_digest_all


@shared_task(
    name="incidents.notify",
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def case_notify_task(case_id: int) -> int:
    """E-mail the core team about one new case (sent once: a second run finds it already notified)."""
    return case_notify(case_id=case_id)


@shared_task(name="incidents.digest", soft_time_limit=240, time_limit=300)
def cases_digest_task() -> list[dict]:
    """The digest of open cases for every mission that has any (declared in CELERY_BEAT_SCHEDULE)."""
    return cases_digest_all()
