"""Pages for analysts, the core team and ODIHR staff: runs, progress, the report, comparison, exports, dashboard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access import actor_for, can_publish, can_resolve_conflicts
from checklists.choices import OBSERVATION_KINDS, FormKind
from config.parsing import parse_id
from jobs.notices import notice
from missions.clock import local_zone
from missions.models import Mission, Region

from .charts import charts_in_language
from .choices import ConflictDecision, ExportFormat, RunStatus
from .conflicts import decisions_as_of
from .presentation import report_tables
from .result import ReportLabels, UnreadableResult
from .selectors import FULL, dashboard_counts, latest_done_run, missions_with_reports, report_access, run_for, runs_for
from .services import (
    conflict_resolve,
    export_log_record,
    report_run_publish,
    report_run_request,
    report_runs_compare,
)

CONTENT_TYPES = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.PDF: "application/pdf",
}


def _run_status(run) -> dict:
    return {
        "id": run.pk,
        "status": run.status,
        "status_label": run.get_status_display(),
        "progress": run.progress,
        "attempts": run.attempts,
        "error": run.error_text,
        "dispatch_error": run.dispatch_error_text,
        "finished": run.is_finished,
        "url": reverse("reports:run", args=[run.pk]),
    }


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/index.html", {"missions": missions_with_reports(request.user)})


def _refuse_or_hide(request: HttpRequest, mission: Mission, message: str):
    """403 for the mission's own members and followers; 404 for everyone else, as for a mission that does not exist."""
    if actor_for(request.user, mission, followers=True) is None and report_access(request.user, mission) is None:
        raise Http404("No such mission.")
    raise PermissionDenied(message)


@login_required
@require_http_methods(["GET", "POST"])
def mission(request: HttpRequest, slug: str) -> HttpResponse:
    mission = get_object_or_404(Mission, slug=slug)
    runs, access = runs_for(request.user, mission)
    if access is None:
        _refuse_or_hide(request, mission, "You have no access to this mission's statistics.")
    regions = Region.objects.filter(mission=mission).order_by("name")
    if request.method == "POST":
        if access != FULL:
            raise PermissionDenied(_("Only the core team and analysts of this mission can compile statistics."))
        kinds = [kind for kind in request.POST.getlist("kinds") if kind]
        region = None
        if request.POST.get("region"):
            region = regions.filter(code=request.POST["region"]).first()
            if region is None:
                messages.error(request, _("Unknown region."))
                return redirect("reports:mission", slug=mission.slug)
        cutoff = None
        if request.POST.get("cutoff"):
            try:
                cutoff = parse_datetime(request.POST["cutoff"])
            except ValueError:  # well formed but not a real moment, e.g. 2019-06-31T25:00
                cutoff = None
            if cutoff is None:
                messages.error(
                    request,
                    _("The cut-off must be a date and a 24-hour time, YYYY-MM-DD HH:MM, e.g. 2019-06-10 04:00."),
                )
                return redirect("reports:mission", slug=mission.slug)
            if cutoff.tzinfo is None:
                cutoff = cutoff.replace(tzinfo=local_zone(mission))
        try:
            run = report_run_request(
                mission=mission, user=request.user, kinds=kinds or None, region=region, cutoff=cutoff
            )
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
            return redirect("reports:mission", slug=mission.slug)
        run.refresh_from_db()
        if run.dispatch_error:
            messages.warning(
                request,
                _("Compilation %(run)s is saved but not started yet. %(error)s")
                % {"run": run.pk, "error": run.dispatch_error_text},
            )
        else:
            messages.success(request, _("Compilation %(run)s requested.") % {"run": run.pk})
        return redirect(f"{reverse('reports:mission', args=[mission.slug])}#run-{run.pk}")
    context = {
        "mission": mission,
        "runs": list(runs[:50]),
        "can_compile": access == FULL,
        "kinds": [(kind, FormKind(kind).label) for kind in OBSERVATION_KINDS],
        "regions": regions,
    }
    return render(request, "reports/mission.html", context)


@login_required
@require_GET
def run_status(request: HttpRequest, run_id: int) -> JsonResponse:
    run, _access = run_for(request.user, run_id)
    return JsonResponse(_run_status(run))


def _list_pages(request: HttpRequest) -> dict[str, str]:
    """The page asked for of each list on the report (?incidents=2&protocol=3)."""
    return {
        name: request.GET[name] for name in ("incidents", "protocol", "conflicts", "official") if name in request.GET
    }


@login_required
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run, access = run_for(request.user, run_id)
    others = []
    if run.status == RunStatus.DONE:
        visible, _access = runs_for(request.user, run.mission)
        others = list(
            visible.select_related(None).filter(status=RunStatus.DONE).exclude(pk=run.pk).only("id", "finished_at")[:20]
        )
    actor = actor_for(request.user, run.mission)
    try:
        result = run.report()
    except UnreadableResult:
        result = None
        messages.warning(request, _("This run's stored result cannot be read any more: compile it again."))
    tables = None
    if result is not None:
        tables = report_tables(result, ReportLabels.for_result(result, mission=run.mission), pages=_list_pages(request))
    context = {
        "run": run,
        "access": access,
        "result": result,
        "tables": tables,
        "charts": charts_in_language(run.charts, get_language()),
        "status": _run_status(run),
        "others": others,
        "can_publish": run.status == RunStatus.DONE and not run.published and can_publish(actor, run),
        "can_resolve": access == FULL and can_resolve_conflicts(actor, run.mission),
    }
    if result is not None and result.conflicts.list:
        # Decisions made since this snapshot are shown beside it (a new compilation applies them).
        latest = decisions_as_of(mission=run.mission, at=timezone.now())
        for row in context["tables"]["conflicts"]["rows"]:
            now = latest.get((row["kind"], row["station_id"]))
            row["decision_now"] = now if now != row["decision"] else None
    return render(request, "reports/run_detail.html", context)


@login_required
@require_GET
def run_compare(request: HttpRequest, run_id: int) -> HttpResponse:
    run, _access = run_for(request.user, run_id)
    other_id = request.GET.get("with", "")
    if not other_id:
        raise Http404("Choose a run to compare with.")
    if parse_id(other_id) is None:
        raise BadRequest(_("Choose a run to compare with: 'with' must be the id of one."))
    other, _access = run_for(request.user, parse_id(other_id))
    old, new = sorted([other, run], key=lambda r: (r.finished_at or r.created_at, r.pk))
    try:
        diff = report_runs_compare(old=old, new=new)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("reports:run", run_id=run.pk)
    # The answers that changed, worded from the newer run's checklist versions in the reader's language.
    newer = new.report()
    labels = ReportLabels.for_result(newer, mission=new.mission)
    for row in diff["answers"]:
        row["text"] = labels.question(row["kind"], row["code"])
        row["label"] = labels.answer(row["kind"], row["code"], row["value"])
    for row in diff["kinds"] + diff["answers"]:
        row["kind_label"] = labels.kind(row["kind"])
    return render(request, "reports/compare.html", {"old": old, "new": new, "diff": diff})


@login_required
@require_POST
def run_publish(request: HttpRequest, run_id: int) -> HttpResponse:
    """Lift the embargo, in two steps: the first POST shows what publishing means and asks to confirm (no JavaScript
    needed); only a POST carrying the confirmation publishes."""
    run, _access = run_for(request.user, run_id)
    if not can_publish(actor_for(request.user, run.mission), run):
        raise PermissionDenied(_("Only the head of mission or an analyst can publish a report run."))
    if request.POST.get("confirm") != "publish":
        return render(request, "reports/run_publish_confirm.html", {"run": run})
    try:
        report_run_publish(run=run, user=request.user)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Report run %(run)s is published: ODIHR staff can now see it.") % {"run": run.pk})
    return redirect("reports:run", run_id=run.pk)


@login_required
@require_POST
def run_conflict_resolve(request: HttpRequest, run_id: int) -> HttpResponse:
    """A coordinator decides one conflict of the run: which form is right, or that both stand."""
    run, _access = run_for(request.user, run_id)
    if not can_resolve_conflicts(actor_for(request.user, run.mission), run.mission):
        raise PermissionDenied(_("Only the mission's coordinators decide conflicts between teams."))
    try:
        forms = [int(value) for value in request.POST.getlist("forms")]
        station = int(request.POST.get("station", ""))
        chosen = request.POST.get("choice", "")
        decision = ConflictDecision.BOTH_STAND if chosen == "both" else ConflictDecision.ONE_IS_RIGHT
        right_form = None if chosen == "both" else int(chosen)
    except ValueError:
        messages.error(request, _("Choose which form is right, or that both stand."))
    else:
        try:
            conflict_resolve(
                user=request.user,
                mission=run.mission,
                kind=request.POST.get("kind", ""),
                polling_station_id=station,
                forms=forms,
                decision=decision,
                right_form=right_form,
            )
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("Decision recorded. It applies to compilations from now on: compile again."))
    return redirect(reverse("reports:run", args=[run.pk]) + "#conflicts")


@login_required
@require_GET
def run_export(request: HttpRequest, run_id: int, fmt: str) -> FileResponse:
    run, _access = run_for(request.user, run_id)
    if fmt not in ExportFormat.values:
        raise Http404("Unknown export format.")
    return run_file_response(run=run, user=request.user, fmt=fmt)


def run_file_response(*, run, user, fmt: str) -> FileResponse:
    """A finished run's stored file as a download, logged; the pages and the API both serve files through it."""
    if run.status != RunStatus.DONE:
        raise Http404("This run has not finished compiling.")
    stored = run.output_file(fmt)
    if not stored or not stored.storage.exists(stored.name):
        raise Http404("This export is not available.")
    export_log_record(
        user=user,
        mission=run.mission,
        what=notice("reports.export_report_run", run=run.pk),
        format=fmt,
        rows=run.submissions_count,
    )
    filename = stored.name.rsplit("/", 1)[-1]
    return FileResponse(stored.open("rb"), as_attachment=True, filename=filename, content_type=CONTENT_TYPES[fmt])


def _dashboard_mission(request: HttpRequest, slug: str) -> Mission:
    mission = get_object_or_404(Mission, slug=slug)
    if report_access(request.user, mission) != FULL:
        _refuse_or_hide(request, mission, "The election-day dashboard is for the mission's core team.")
    return mission


@login_required
@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    mission = _dashboard_mission(request, slug)
    return render(request, "reports/dashboard.html", {"mission": mission})


@login_required
@require_GET
def dashboard_data(request: HttpRequest, slug: str) -> JsonResponse:
    mission = _dashboard_mission(request, slug)
    data = dashboard_counts(mission=mission)
    run = latest_done_run(mission=mission)
    compiled = None
    if run is not None:
        negative = run.negative_by_kind or {}
        compiled = {
            "run": run.pk,
            "url": reverse("reports:run", args=[run.pk]),
            "finished_at": run.finished_at.isoformat(),
            "observations": run.observations_total,
            "negative": negative,
            "kind_labels": {kind: str(FormKind(kind).label) for kind in negative},
            "urgent": run.incidents_urgent,
            "critical": run.incidents_critical,
        }
    return JsonResponse({**data, "compiled": compiled})
