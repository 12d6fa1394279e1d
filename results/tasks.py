"""Celery tasks of the results app: thin wrappers that take a job id and call its lifecycle."""

from celery import shared_task

from .import_jobs import results_imports


@shared_task(name="results.import_results", **results_imports.task_options())
def results_import_run(job_id: int) -> str:
    """Check and write one file of official results kept on its job (a new version, or nothing); safe to deliver
    twice."""
    job = results_imports.run(job_id=job_id)
    return job.status if job else "missing"
