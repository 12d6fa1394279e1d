"""Celery tasks of the reports app: thin wrappers that take ids and call one service."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import compile_time_limits, report_run_compile, report_runs_autocompile, report_runs_watchdog

SOFT_LIMIT, HARD_LIMIT = compile_time_limits()


@shared_task(
    bind=True,
    name="reports.compile",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=SOFT_LIMIT,
    time_limit=HARD_LIMIT,
)
def report_compile(self, run_id: int) -> str:
    """Compile one report run (idempotent: a finished run is not compiled again)."""
    return report_run_compile(run_id=run_id).status


@shared_task(name="reports.watchdog", soft_time_limit=60, time_limit=90)
def report_watchdog() -> dict:
    """Re-send runs the broker never got and rescue runs stuck in running; safe to run every few minutes."""
    return report_runs_watchdog()


@shared_task(name="reports.autocompile", soft_time_limit=60, time_limit=90)
def report_autocompile() -> list[int]:
    """On election day, keep the statistics fresh (every REPORTS_AUTOCOMPILE_MINUTES; off when 0)."""
    return report_runs_autocompile()
