"""Background planning jobs: start one (queued after commit) and run it, on the background-job lifecycle."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from access import Actor, job_actor
from jobs.lifecycle import Lifecycle
from jobs.notices import notice_dumps
from missions.models import Mission

from ..choices import FormationKind, JobKind, JobStatus, PlanningBasis
from ..models import PlanningJob
from .formation import formation_kind_check, teams_form
from .guard import require_planner
from .planning import deployment_plan, plan_arguments_check

# (soft, hard) seconds for one planning job.
TIME_LIMITS = (600, 660)


def _clean_parameters(kind: str, parameters: dict) -> dict:
    """Validate a job's parameters up front so a bad request changes nothing."""
    errors: list[str] = []
    clean: dict = {}
    try:
        clean["seed"] = int(parameters.get("seed", 2019))
    except (TypeError, ValueError):
        errors.append(_("The seed must be a whole number."))
    if kind == JobKind.FORM_TEAMS:
        clean["kind"] = parameters.get("kind", FormationKind.ALL)
        try:
            formation_kind_check(clean["kind"])
        except ValidationError as error:
            errors.extend(error.messages)
        clean["reform"] = bool(parameters.get("reform", False))
    else:
        clean["basis"] = parameters.get("basis", PlanningBasis.STATIONS)
        try:
            clean["route_length"] = int(parameters.get("route_length", 10))
        except (TypeError, ValueError):
            clean["route_length"] = None  # refused by the planner's own check, with its message
        try:
            plan_arguments_check(basis=clean["basis"], route_length=clean["route_length"])
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return clean


def planning_job_start(
    *, actor: Actor, mission: Mission, kind: str, parameters: dict | None = None, requested_by=None
) -> PlanningJob:
    """Queue formation or planning for a mission; while one of the same kind is pending, return that one instead."""
    require_planner(actor, mission.pk)
    if kind not in JobKind.values:
        raise ValidationError(_("Unknown job kind %(kind)r.") % {"kind": kind})
    clean = _clean_parameters(kind, parameters or {})
    with transaction.atomic():
        Mission.objects.select_for_update().filter(pk=mission.pk).first()
        # A job silent for longer than the hard time limit has lost its worker: close it so a new one can run.
        planning.fail_stale(
            PlanningJob.objects.filter(mission=mission, kind=kind),
            notice_dumps("jobs.not_finished"),
        )
        pending = PlanningJob.objects.filter(mission=mission, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).first()
        if pending is not None and pending.kind == kind:
            return pending
        if pending is not None:
            # Forming teams while the plan is being written (or the reverse) would plan teams that change under it.
            raise ValidationError(
                _("%(job)s is still running for %(mission)s: wait for it to finish.")
                % {"job": pending.get_kind_display(), "mission": mission.name}
            )
        job = PlanningJob.objects.create(
            mission=mission,
            kind=kind,
            parameters=clean,
            requested_by=requested_by if requested_by is not None and requested_by.is_authenticated else None,
        )
    return planning.enqueue(job)


def _plan(job: PlanningJob, progress) -> list[str]:
    """The work of a claimed job: form teams or plan the deployment; the summary goes on the job."""
    parameters = job.parameters
    # The job was allowed when it was queued; it runs as whoever queued it, asked again now (access.job_actor).
    actor = job_actor(job.requested_by, job.mission)
    if job.kind == JobKind.FORM_TEAMS:
        result = teams_form(
            actor=actor,
            mission=job.mission,
            kind=parameters["kind"],
            seed=parameters["seed"],
            reform=parameters.get("reform", False),
            progress=progress,
        )
    else:
        result = deployment_plan(
            actor=actor,
            mission=job.mission,
            basis=parameters["basis"],
            route_length=parameters["route_length"],
            seed=parameters["seed"],
            progress=progress,
        )
    job.summary = result.as_dict()
    return ["summary"]


planning = Lifecycle(
    model=PlanningJob,
    task="deployment.tasks.planning_job_run",
    what=gettext_noop("planning job"),
    work=_plan,
    time_limit=lambda: TIME_LIMITS,
    select_related=("mission", "requested_by"),
)


def planning_job_execute(*, job_id: int) -> PlanningJob | None:
    """Run a queued job once (a second delivery finds it done or running and does nothing)."""
    return planning.run(job_id=job_id)
