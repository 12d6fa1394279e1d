"""Coordinators' planning pages: start formation and planning, follow their progress, review, lock, export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from access import actor_for, can_plan_deployment
from config.parsing import ids, required_id
from jobs.notices import notice, notices_written
from missions.models import Mission, Region, Tec
from observers.models import Membership, Team
from reports.services import export_log_record

from . import exports, selectors
from .choices import FormationKind, JobKind, PlanningBasis
from .models import PlanningJob, TeamAssignment
from .services import assignment_lock_set, assignment_move, planning_job_start, team_lock_set, team_member_swap


def _coordinator_mission(request, mission_slug: str) -> Mission:
    """The mission, if the user coordinates it: 404 for those with no business there, 403 for other members.

    The Actor is kept on the request: the services check it themselves.
    """
    mission = get_object_or_404(Mission, slug=mission_slug)
    actor = actor_for(request.user, mission)
    if actor is None:
        raise Http404("No such mission.")
    if not can_plan_deployment(actor, mission):
        raise PermissionDenied(_("Only the mission's coordinators plan the deployment."))
    request.actor = actor
    return mission


def _job_json(job: PlanningJob) -> dict:
    return {
        "id": job.pk,
        "kind": job.kind,
        "kind_label": job.get_kind_display(),
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": job.progress,
        "finished": job.is_finished,
        "error": job.error_text,
        "dispatch_error": job.dispatch_error_text,
        "summary": notices_written(job.summary),
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


@login_required
@require_GET
def planning_page(request, mission_slug: str) -> HttpResponse:
    """The planning page: actions, jobs, review summary and the teams with their lock state."""
    mission = _coordinator_mission(request, mission_slug)
    review = selectors.plan_review(mission=mission)
    context = {
        "mission": mission,
        "review": review,
        "jobs": list(selectors.planning_jobs_recent(mission=mission)),
        "teams": list(selectors.teams_for_mission(mission=mission)),
        "regions": list(mission.regions.order_by("name")),
        "memberships": list(selectors.deployable_memberships(mission=mission)),
        "formation_kinds": FormationKind.choices,
        "bases": PlanningBasis.choices,
    }
    return render(request, "deployment/planning.html", context)


@login_required
@require_POST
def job_start(request, mission_slug: str, kind: str) -> HttpResponse:
    """Queue team formation or deployment planning; the page then follows the job's progress."""
    mission = _coordinator_mission(request, mission_slug)
    if kind not in JobKind.values:
        raise Http404("No such job.")
    parameters = {key: request.POST[key] for key in ("kind", "basis", "route_length", "seed") if request.POST.get(key)}
    parameters["reform"] = request.POST.get("reform") == "on"
    try:
        job = planning_job_start(
            actor=request.actor, mission=mission, kind=kind, parameters=parameters, requested_by=request.user
        )
    except ValidationError as error:
        if request.headers.get("Accept") == "application/json":
            return JsonResponse({"errors": error.messages}, status=400)
        for message in error.messages:
            messages.error(request, message)
        return redirect("deployment:planning", mission_slug=mission.slug)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse(_job_json(job), status=202)
    if job.dispatch_error:
        messages.warning(
            request,
            _("%(job)s is saved but not started yet. %(error)s")
            % {"job": job.get_kind_display(), "error": job.dispatch_error_text},
        )
    else:
        messages.info(request, _("%(job)s started.") % {"job": job.get_kind_display()})
    return redirect("deployment:planning", mission_slug=mission.slug)


@login_required
@require_GET
def job_status(request, mission_slug: str, job_id: int) -> JsonResponse:
    """A job's status and progress, for the page to poll."""
    mission = _coordinator_mission(request, mission_slug)
    job = get_object_or_404(PlanningJob, pk=job_id, mission=mission)
    return JsonResponse(_job_json(job))


@login_required
@require_POST
def lock_set(request, mission_slug: str) -> HttpResponse:
    """Lock or unlock a team or an assignment."""
    mission = _coordinator_mission(request, mission_slug)
    locked = request.POST.get("locked") == "1"
    if request.POST.get("assignment"):
        assignment = get_object_or_404(
            TeamAssignment, pk=required_id(request.POST, "assignment", _("team assignment")), mission=mission
        )
        assignment_lock_set(actor=request.actor, assignment=assignment, locked=locked)
        message = (
            _("The assignment of %(team)s is locked.") if locked else _("The assignment of %(team)s is unlocked.")
        ) % {"team": assignment.team.code}
    else:
        team = get_object_or_404(Team, pk=required_id(request.POST, "team", _("team")), mission=mission)
        team_lock_set(actor=request.actor, team=team, locked=locked)
        message = (_("Team %(team)s is locked.") if locked else _("Team %(team)s is unlocked.")) % {"team": team.code}
    messages.success(request, message)
    return redirect("deployment:planning", mission_slug=mission.slug)


@login_required
@require_GET
def plan_export(request, mission_slug: str, file_format: str) -> HttpResponse:
    """Download the plan per LTO area; it carries contacts, so only coordinators get it, and it is logged."""
    mission = _coordinator_mission(request, mission_slug)
    rows = selectors.plan_export_rows(mission=mission)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    if file_format == "xlsx":
        content = exports.plan_xlsx(rows)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif file_format == "csv":
        content = exports.plan_csv(rows).encode("utf-8-sig")
        content_type = "text/csv; charset=utf-8"
    else:
        raise Http404("Unknown format.")
    export_log_record(
        user=request.user,
        mission=mission,
        what=notice("deployment.export_plan"),
        format=file_format,
        rows=len(rows),
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="deployment-{mission.slug}-{stamp}.{file_format}"'
    response["Cache-Control"] = "no-store"
    return response


def _refusals(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_POST
def team_move(request, mission_slug: str) -> HttpResponse:
    """Move an STO team to another region (and optionally TECs there), with a fresh route."""
    mission = _coordinator_mission(request, mission_slug)
    team = get_object_or_404(Team, pk=required_id(request.POST, "team", _("team")), mission=mission)
    region = get_object_or_404(Region, pk=required_id(request.POST, "region", _("region")), mission=mission)
    tec_ids = ids(request.POST.getlist("tecs"), "tecs", "TECs")
    tecs = list(Tec.objects.filter(mission=mission, pk__in=tec_ids).select_related("region"))
    try:
        assignment = assignment_move(actor=request.actor, team=team, region=region, tecs=tecs)
    except ValidationError as error:
        _refusals(request, error)
    else:
        messages.success(
            request, _("%(team)s moved to %(region)s.") % {"team": team.code, "region": assignment.region.name}
        )
    return redirect("deployment:planning", mission_slug=mission.slug)


@login_required
@require_POST
def member_swap(request, mission_slug: str) -> HttpResponse:
    """Replace a team member (trading places when the newcomer sits in another team), under the team rules."""
    mission = _coordinator_mission(request, mission_slug)
    team = get_object_or_404(Team, pk=required_id(request.POST, "team", _("team")), mission=mission)
    members = Membership.objects.filter(mission=mission).select_related("observer")
    remove = get_object_or_404(members, pk=required_id(request.POST, "remove", "member to replace"))
    add = get_object_or_404(members, pk=required_id(request.POST, "add", "member to add"))
    try:
        changed = team_member_swap(actor=request.actor, team=team, remove=remove, add=add)
    except ValidationError as error:
        _refusals(request, error)
    else:
        messages.success(
            request,
            _("%(new)s replaces %(old)s in %(team)s.")
            % {"new": add.observer.full_name, "old": remove.observer.full_name, "team": team.code},
        )
        if len(changed) > 1:
            messages.info(
                request,
                _("%(who)s takes the free seat in %(team)s.")
                % {"who": remove.observer.full_name, "team": changed[1].code},
            )
    return redirect("deployment:planning", mission_slug=mission.slug)
