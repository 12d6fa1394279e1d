"""Pages above one team: the LTO area, a team's page and the urgent incidents for the core team."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from access import can_file_lto_reports, can_view_lto_area, can_view_urgent_incidents
from checklists.choices import LTO_KINDS
from missions.clock import local_moment
from missions.models import Mission
from observe.selectors import (
    area_reports,
    area_sto_teams,
    incidents_listed,
    team_forms,
    team_with_members,
)
from observe.templatetags.observe import kind_label
from observe.views.common import (
    form_url,
    json_error,
    mission_scope,
    with_status,
)
from submissions.selectors import locked_kinds


@login_required
@require_GET
def lto_area(request: HttpRequest, mission_slug: str) -> HttpResponse:
    """LTO pages: weekly reports, meeting records and incident reports of the area, and its STO teams."""
    mission, actor = mission_scope(request, mission_slug)
    if not can_view_lto_area(actor, mission):
        raise PermissionDenied(_("This page is for long-term observers."))
    reports = with_status(area_reports(actor=actor, mission=mission), locked_kinds(mission=mission))
    by_kind = {kind: [row for row in reports if row.kind == kind] for kind in LTO_KINDS}
    files_here = actor.team_id is not None and can_file_lto_reports(actor, mission)  # as form_new accepts
    context = {
        "mission": mission,
        "actor": actor,
        "report_groups": [(kind_label(kind), kind, by_kind[kind]) for kind in LTO_KINDS],
        "new_links": [(kind_label(kind), form_url(mission, kind)) for kind in LTO_KINDS] if files_here else [],
        "teams": area_sto_teams(actor=actor, mission=mission),
    }
    return render(request, "observe/lto_area.html", context)


@login_required
@require_GET
def team_detail(request: HttpRequest, mission_slug: str, team_id: int) -> HttpResponse:
    """One team, its members and its submissions: the team itself, its LTOs and the core team."""
    mission, actor = mission_scope(request, mission_slug)
    team = team_with_members(team_id=team_id, actor=actor)
    if team is None or team.mission_id != mission.pk:
        raise Http404(_("No such team."))
    submissions = with_status(team_forms(actor=actor, mission=mission, team=team), locked_kinds(mission=mission))
    context = {"mission": mission, "actor": actor, "team": team, "submissions": submissions}
    return render(request, "observe/team_detail.html", context)


def _incident_rows(mission: Mission) -> list[dict]:
    rows = []
    for submission in incidents_listed(mission=mission):
        rows.append(
            {
                "uuid": str(submission.uuid),
                "url": reverse("observe:submission_detail", args=[mission.slug, submission.uuid]),
                "received_at": local_moment(submission.received_at, mission, with_zone=True),
                "kind": kind_label(submission.kind),
                "team": submission.team.code if submission.team_id else "",
                "station": submission.polling_station.number if submission.polling_station_id else "",
                "tec": submission.tec.name if submission.tec_id else "",
                "region": submission.region.name if submission.region_id else "",
                "urgent": submission.urgent,
                "critical": submission.has_critical,
                "notes": submission.notes,
            }
        )
    return rows


def _coordinators_only(request: HttpRequest, mission_slug: str) -> Mission:
    mission, actor = mission_scope(request, mission_slug)
    if not can_view_urgent_incidents(actor, mission):
        raise PermissionDenied(_("Urgent incidents are for the core team."))
    return mission


@login_required
@require_GET
def incidents(request: HttpRequest, mission_slug: str) -> HttpResponse:
    """Urgent or critical submissions, newest first; the page refreshes itself from the feed."""
    mission = _coordinators_only(request, mission_slug)
    context = {
        "mission": mission,
        "rows": _incident_rows(mission),
        "feed_url": reverse("observe:incidents_feed", args=[mission.slug]),
    }
    return render(request, "observe/incidents.html", context)


@never_cache
@require_GET
def incidents_feed(request: HttpRequest, mission_slug: str) -> JsonResponse:
    """The urgent incidents as JSON for the page's polling."""
    if not request.user.is_authenticated:
        return json_error(401, _("Log in to see urgent incidents."))
    mission = _coordinators_only(request, mission_slug)
    return JsonResponse({"incidents": _incident_rows(mission)})
