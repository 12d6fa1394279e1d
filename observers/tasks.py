"""Celery tasks of the observers app: thin wrappers that take a job id and call its lifecycle."""

from celery import shared_task

from .import_jobs import roster_imports


@shared_task(name="observers.import_roster", **roster_imports.task_options())
def roster_import_run(job_id: int) -> str:
    """Check and write one roster file kept on its job (all rows or none); safe to deliver twice."""
    job = roster_imports.run(job_id=job_id)
    return job.status if job else "missing"
