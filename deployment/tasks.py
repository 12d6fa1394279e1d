"""Celery tasks: thin wrappers that take a job id and call the planning service."""

from celery import shared_task

from .services.jobs import planning, planning_job_execute


@shared_task(name="deployment.planning_job_run", **planning.task_options())
def planning_job_run(job_id: int) -> str:
    """Run one planning job (formation or deployment); safe to deliver twice."""
    job = planning_job_execute(job_id=job_id)
    return job.status if job else "missing"
