"""Background planning jobs: start one (queued after commit), run it with progress, record the outcome."""

from __future__ import annotations

import datetime
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access import Actor, require_coordinator
from missions.models import Mission

from ..choices import FormationKind, JobKind, JobStatus, PlanningBasis
from ..models import PlanningJob
from .formation import teams_form
from .planning import MAX_ROUTE_LENGTH, deployment_plan

logger = logging.getLogger(__name__)
# Longer than the task's hard time limit (deployment.tasks) plus time in the queue.
STALE_AFTER_SECONDS = 30 * 60


def _clean_parameters(kind: str, parameters: dict) -> dict:
    """Validate a job's parameters up front so a bad request changes nothing."""
    errors: list[str] = []
    clean: dict = {}
    try:
        clean["seed"] = int(parameters.get("seed", 2019))
    except (TypeError, ValueError):
        errors.append("The seed must be a whole number.")
    if kind == JobKind.FORM_TEAMS:
        team_kind = parameters.get("kind", FormationKind.ALL)
        if team_kind not in FormationKind.values:
            errors.append(f"Unknown team kind {team_kind!r}: use lto, sto or all.")
        clean["kind"] = team_kind
        clean["reform"] = bool(parameters.get("reform", False))
    else:
        basis = parameters.get("basis", PlanningBasis.STATIONS)
        if basis not in PlanningBasis.values:
            errors.append(f"Unknown planning basis {basis!r}: use stations or voters.")
        clean["basis"] = basis
        try:
            clean["route_length"] = int(parameters.get("route_length", 10))
            if not 1 <= clean["route_length"] <= MAX_ROUTE_LENGTH:
                raise ValueError
        except (TypeError, ValueError):
            errors.append(f"The route length must be a whole number from 1 to {MAX_ROUTE_LENGTH}.")
    if errors:
        raise ValidationError(errors)
    return clean


def planning_job_start(
    *, actor: Actor, mission: Mission, kind: str, parameters: dict | None = None, requested_by=None
) -> PlanningJob:
    """Queue formation or planning for a mission; while one of the same kind is pending, return that one instead."""
    require_coordinator(actor, mission.pk)
    if kind not in JobKind.values:
        raise ValidationError(f"Unknown job kind {kind!r}.")
    clean = _clean_parameters(kind, parameters or {})
    with transaction.atomic():
        Mission.objects.select_for_update().filter(pk=mission.pk).first()
        # A job still pending after the task's hard time limit has lost its worker: close it so a new one can run.
        stale_before = timezone.now() - datetime.timedelta(seconds=STALE_AFTER_SECONDS)
        PlanningJob.objects.filter(
            mission=mission, kind=kind, status__in=[JobStatus.QUEUED, JobStatus.RUNNING], created_at__lt=stale_before
        ).update(
            status=JobStatus.FAILED,
            error="The job did not finish within its time limit (the worker stopped?); start it again.",
            finished_at=timezone.now(),
        )
        pending = PlanningJob.objects.filter(mission=mission, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).first()
        if pending is not None and pending.kind == kind:
            return pending
        if pending is not None:
            # Forming teams while the plan is being written (or the reverse) would plan teams that change under it.
            raise ValidationError(
                f"{pending.get_kind_display()} is still running for {mission.name}: wait for it to finish."
            )
        job = PlanningJob.objects.create(
            mission=mission,
            kind=kind,
            parameters=clean,
            requested_by=requested_by if requested_by is not None and requested_by.is_authenticated else None,
        )

    def enqueue(job_id=job.pk):
        from ..tasks import planning_job_run

        planning_job_run.apply_async(args=[job_id])

    transaction.on_commit(enqueue)
    return job


def planning_job_execute(*, job_id: int) -> PlanningJob | None:
    """Run a queued job once (a second delivery finds it no longer queued and does nothing)."""
    claimed = PlanningJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), progress=1
    )
    job = PlanningJob.objects.select_related("mission").filter(pk=job_id).first()
    if not claimed or job is None:
        return job

    def progress(percent: int) -> None:
        PlanningJob.objects.filter(pk=job_id).update(progress=max(1, min(99, int(percent))))

    try:
        parameters = job.parameters
        if job.kind == JobKind.FORM_TEAMS:
            result = teams_form(
                mission=job.mission,
                kind=parameters["kind"],
                seed=parameters["seed"],
                reform=parameters.get("reform", False),
                progress=progress,
            )
        else:
            result = deployment_plan(
                mission=job.mission,
                basis=parameters["basis"],
                route_length=parameters["route_length"],
                seed=parameters["seed"],
                progress=progress,
            )
    except ValidationError as error:
        _finish(job_id, status=JobStatus.FAILED, error="; ".join(error.messages))
    except SoftTimeLimitExceeded:
        _finish(job_id, status=JobStatus.FAILED, error="The job took longer than its time limit and was stopped.")
    except Exception as error:
        logger.exception("Planning job %s failed", job_id)
        _finish(job_id, status=JobStatus.FAILED, error=f"Unexpected error: {error.__class__.__name__}: {error}")
    else:
        _finish(job_id, status=JobStatus.DONE, summary=result.as_dict())
    return PlanningJob.objects.get(pk=job_id)


def _finish(job_id: int, *, status: str, summary: dict | None = None, error: str = "") -> None:
    PlanningJob.objects.filter(pk=job_id).update(
        status=status,
        progress=100 if status == JobStatus.DONE else PlanningJob.objects.get(pk=job_id).progress,
        summary=summary or {},
        error=error[:4000],
        finished_at=timezone.now(),
    )
