"""Celery tasks of the reports app: thin wrappers that take ids and call one service."""

from celery import shared_task

from .services import compilation, report_run_compile, report_runs_autocompile


@shared_task(name="reports.compile", **compilation.task_options())
def report_compile(run_id: int) -> str:
    """Compile one report run (idempotent: a finished run is not compiled again)."""
    run = report_run_compile(run_id=run_id)
    return run.status if run else "missing"


@shared_task(name="reports.autocompile", soft_time_limit=60, time_limit=90)
def report_autocompile() -> list[int]:
    """On election day, keep the statistics fresh (every REPORTS_AUTOCOMPILE_MINUTES; off when 0)."""
    return report_runs_autocompile()
