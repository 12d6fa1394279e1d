"""Celery tasks of the missions app: thin wrappers that take a job id and call its lifecycle."""

from celery import shared_task

from .import_jobs import station_imports


@shared_task(name="missions.import_stations", **station_imports.task_options())
def stations_import_run(job_id: int) -> str:
    """Check and write one station list kept on its job (all rows or none); safe to deliver twice."""
    job = station_imports.run(job_id=job_id)
    return job.status if job else "missing"
