"""Incident follow-up pages: the core team works its cases; observers see how their own reports are followed up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from access import can_follow_up_case, can_view_cases
from config.parsing import parse_id
from missions.models import Mission
from observers.access import Actor, actor_for

from .choices import OPEN_STATUSES, CaseStatus
from .selectors import case_notes, cases_visible_to, core_team_users
from .services import case_update

CASES_SHOWN = 300


def _scope(request: HttpRequest, slug: str) -> tuple[Mission, Actor]:
    mission = get_object_or_404(Mission, slug=slug)
    actor = actor_for(request.user, mission)
    if actor is None:
        raise Http404(_("No such mission."))  # as for a mission that does not exist: nothing to confirm
    if not can_view_cases(actor, mission):
        raise PermissionDenied(_("Cases are for the mission's core team and its observers."))
    return mission, actor


@login_required
@require_http_methods(["GET"])
def cases(request: HttpRequest, slug: str) -> HttpResponse:
    """The mission's cases for the core team (open first by default); an observer's team's cases for observers."""
    mission, actor = _scope(request, slug)
    visible = cases_visible_to(actor=actor)
    shown = request.GET.get("status", "open")
    if shown == "open":
        visible = visible.filter(status__in=OPEN_STATUSES)
    elif shown in CaseStatus.values:
        visible = visible.filter(status=shown)
    else:
        shown = "all"
    context = {
        "mission": mission,
        "actor": actor,
        "cases": list(visible.order_by("-opened_at", "-id")[:CASES_SHOWN]),
        "can_follow_up": can_follow_up_case(actor, mission),
        "shown": shown,
        "statuses": CaseStatus.choices,
    }
    return render(request, "incidents/cases.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case(request: HttpRequest, slug: str, case_id: int) -> HttpResponse:
    """One case: the form it came from, its status and log; the core team records each step of the follow-up."""
    mission, actor = _scope(request, slug)
    found = cases_visible_to(actor=actor).filter(pk=case_id).first()
    if found is None:
        raise Http404(_("No such case."))  # whether it exists or is another team's: nothing to confirm
    if request.method == "POST":
        assignee = request.POST.get("assignee", "")
        if assignee and parse_id(assignee) is None:  # not assignee.isdigit(): it accepts "²", which int() refuses
            raise BadRequest(_("Choose an assignee: 'assignee' must be the id of a member of the core team."))
        try:
            case_update(
                actor=actor,
                user=request.user,
                case=found,
                status=request.POST.get("status", ""),
                assignee_id=parse_id(assignee) if assignee else None,
                text=request.POST.get("text", ""),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The case is updated."))
        return redirect("incidents:case", slug=mission.slug, case_id=found.pk)
    follow_up = can_follow_up_case(actor, found)
    context = {
        "mission": mission,
        "actor": actor,
        "case": found,
        "submission": found.submission,
        "can_follow_up": follow_up,
        "notes": list(case_notes(case=found)) if follow_up else [],
        "statuses": CaseStatus.choices,
        "assignees": list(core_team_users(mission=mission)) if follow_up else [],
    }
    return render(request, "incidents/case.html", context)
