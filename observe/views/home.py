"""The observers' home page with the team's plan for the day, the offline page and the service worker."""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from access import (
    Actor,
    Role,
    actor_in,
    can_compile,
    can_list_every_form,
    can_open_cockpit,
    can_view_lto_area,
    can_view_urgent_incidents,
    missions_for,
)
from checklists.choices import FormKind
from deployment.models import TeamAssignment
from missions.models import Mission
from observe.selectors import newest_by_place, team_forms, team_plan, team_with_members
from observe.views.common import (
    form_url,
    with_status,
)
from observers.choices import TeamKind
from submissions.selectors import locked_kinds

# Files the service worker keeps for offline use; every observer page needs them.
OFFLINE_STATIC_FILES = ("css/site.css", "js/site.js", "js/form.js", "js/incidents.js")


def _plan_rows(mission: Mission, assignment: TeamAssignment | None, done: dict) -> dict:
    """The plan as the home page shows it: stations by purpose, each with its form link and whether it is done."""
    plan = {"opening": [], "voting": [], "counting": [], "tabulation": None, "urls": []}
    if assignment is None:
        return plan
    for visit in assignment.visits.all():
        station = visit.polling_station
        url = form_url(mission, visit.purpose, station=station.pk)
        plan[visit.purpose].append(
            {"visit": visit, "station": station, "url": url, "done": done.get((visit.purpose, station.pk))}
        )
        plan["urls"].append(url)
    if assignment.tabulation_tec_id:
        tec = assignment.tabulation_tec
        url = form_url(mission, FormKind.TABULATION, tec=tec.pk)
        plan["tabulation"] = {"tec": tec, "url": url, "done": done.get((FormKind.TABULATION.value, tec.pk))}
        plan["urls"].append(url)
    # The forms already sent are kept on the device too, so their correction opens without a network.
    sent = {row["done"] for rows in (plan["opening"], plan["voting"], plan["counting"]) for row in rows if row["done"]}
    if plan["tabulation"] and plan["tabulation"]["done"]:
        sent.add(plan["tabulation"]["done"])
    for submission in sorted(sent, key=lambda submission: submission.pk):
        if submission.observer_status != "locked":
            plan["urls"].append(reverse("observe:submission_edit", args=[mission.slug, submission.uuid]))
    return plan


def _role_label(actor: Actor) -> str:
    """The role as the home page names it (the head of mission and the rest of the core team: "Core team")."""
    labels = {
        Role.STO: _("Short-term observer"),
        Role.LTO: _("Long-term observer"),
        Role.COORDINATOR: _("Coordinator"),
        Role.ANALYST: _("Analyst"),
    }
    return labels.get(actor.role, _("Core team"))


def _panel_links(mission: Mission, actor: Actor) -> dict:
    """Which of the mission's pages the home page links to, as the access layer's named rules decide."""
    return {
        "can_open_cockpit": can_open_cockpit(actor, mission),
        "can_view_urgent_incidents": can_view_urgent_incidents(actor, mission),
        "can_list_every_form": can_list_every_form(actor, mission),
        "can_view_lto_area": can_view_lto_area(actor, mission),
        "can_compile": can_compile(actor, mission),
    }


def _mission_panel(mission: Mission, actor: Actor) -> dict:
    """Everything the home page shows for one mission, in a fixed number of queries."""
    panel: dict = {
        "mission": mission,
        "actor": actor,
        "role_label": _role_label(actor),
        "team": None,
        "plan": None,
        "submissions": [],
        **_panel_links(mission, actor),
    }
    if actor.team_id:
        team = team_with_members(team_id=actor.team_id)
        panel["team"] = team
        submissions = with_status(
            team_forms(actor=actor, mission=mission, team=actor.team_id), locked_kinds(mission=mission)
        )
        panel["submissions"] = submissions
        if team is not None and team.kind == TeamKind.STO:
            panel["plan"] = _plan_rows(mission, team_plan(team=team), newest_by_place(submissions))
    return panel


@login_required
@ensure_csrf_cookie
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The missions the user belongs to; for observers their team, plan for the day and submissions."""
    panels = []
    for mission in missions_for(request.user).order_by("-election_day", "name"):
        actor = actor_in(request.user, mission.pk)  # the request's Actors, read once for every mission
        if actor is not None:
            panels.append(_mission_panel(mission, actor))
    precache = [url for panel in panels if panel["plan"] for url in panel["plan"]["urls"]]
    return render(request, "observe/home.html", {"panels": panels, "precache": precache})


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """Shown by the service worker when a page is neither reachable nor kept on the device."""
    return render(request, "observe/offline.html")


@lru_cache(maxsize=1)
def _static_version() -> str:
    digest = hashlib.sha256()
    for name in OFFLINE_STATIC_FILES:
        path = finders.find(name)
        if path:
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


# The observers' pages a device may keep for use without a network: the team's plan, blank forms and its own forms.
# Nothing else (planning, reports, results, team and area pages, incidents, the admin, the API): they carry personal
# data or embargoed figures. Built from the URL configuration, so a moved page stays right.
OFFLINE_PAGES = (
    ("observe:home", ()),
    ("observe:offline", ()),
    ("observe:form_new", ("MISSION", "KIND")),
    ("observe:submission_collection", ("MISSION",)),
    ("observe:submission_detail", ("MISSION", "00000000-0000-4000-8000-000000000000")),
    ("observe:submission_edit", ("MISSION", "00000000-0000-4000-8000-000000000000")),
)
_PLACEHOLDERS = {
    "MISSION": "[^/]+",
    "KIND": "[^/]+",
    "00000000-0000-4000-8000-000000000000": "[0-9a-f-]{36}",
}


def _offline_page_patterns() -> list[str]:
    """JavaScript regular expressions of the paths in OFFLINE_PAGES."""
    patterns = []
    for name, args in OFFLINE_PAGES:
        path = re.escape(reverse(name, args=args))
        for placeholder, pattern in _PLACEHOLDERS.items():
            path = path.replace(re.escape(placeholder), pattern)
        patterns.append(f"^{path}$")
    return patterns


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker script, served at the site root so it may control every observer page."""
    context = {
        "version": _static_version(),
        "static_urls": json.dumps([static(name) for name in OFFLINE_STATIC_FILES]),
        "offline_url": json.dumps(reverse("observe:offline")),
        "static_prefix": json.dumps(static("")),
        "login_path": json.dumps(reverse("login")),
        "keep_patterns": json.dumps(_offline_page_patterns()),
    }
    response = render(request, "observe/sw.js", context, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
