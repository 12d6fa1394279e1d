"""The cockpit pages: where each user lands after logging in, and one mission's state at a glance.

Who may open a cockpit is decided by the access layer's rule ``can_open_cockpit``: the head of mission,
coordinators, analysts and the rest of the core team. Observers are sent to their own pages, ODIHR staff to the
published reports they may read.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from access import actor_for, can_open_cockpit, can_plan_deployment, can_view_map
from access.rules import may_read_kind
from config.parsing import parse_id
from missions.clock import local_moment
from missions.models import Mission
from observers.access import Actor, is_odihr_staff

from .map_selectors import map_data, map_regions
from .selectors import cockpit_missions, mission_state

SILENCE_HOURS_DEFAULT = 3
SILENCE_HOURS_MAX = 168
GUIDE_IMAGE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,80}\.png")


@dataclass(frozen=True)
class Tool:
    """One link of the cockpit's tool list."""

    label: str
    url: str
    hint: str = ""


# (label, admin URL name, permission) for the coordinators' admin sections, in the order a mission is set up.
ADMIN_SECTIONS = (
    (gettext_lazy("Missions"), "admin:missions_mission_changelist", "missions.view_mission"),
    (gettext_lazy("Regions"), "admin:missions_region_changelist", "missions.view_region"),
    (gettext_lazy("Territorial election commissions"), "admin:missions_tec_changelist", "missions.view_tec"),
    (gettext_lazy("Polling stations"), "admin:missions_pollingstation_changelist", "missions.view_pollingstation"),
    (gettext_lazy("Observers"), "admin:observers_observer_changelist", "observers.view_observer"),
    (gettext_lazy("Mission memberships"), "admin:observers_membership_changelist", "observers.view_membership"),
    (gettext_lazy("Teams"), "admin:observers_team_changelist", "observers.view_team"),
    (gettext_lazy("Team assignments"), "admin:deployment_teamassignment_changelist", "deployment.view_teamassignment"),
    (gettext_lazy("Checklists"), "admin:checklists_formtemplate_changelist", "checklists.view_formtemplate"),
    (gettext_lazy("Submissions"), "admin:submissions_submission_changelist", "submissions.view_submission"),
    (gettext_lazy("Phase locks"), "admin:submissions_phaselock_changelist", "submissions.view_phaselock"),
    (gettext_lazy("Report runs"), "admin:reports_reportrun_changelist", "reports.view_reportrun"),
    (gettext_lazy("Export log"), "admin:reports_exportlog_changelist", "reports.view_exportlog"),
    (gettext_lazy("Official results"), "admin:results_resultsversion_changelist", "results.view_resultsversion"),
)
IMPORTS = (
    (gettext_lazy("Import polling stations"), "admin:missions_pollingstation_import", "missions.add_pollingstation"),
    (gettext_lazy("Import the observer roster"), "admin:observers_membership_import", "observers.add_membership"),
)


def _admin_tools(actor: Actor, table) -> list[Tool]:
    """The admin pages the actor's role in this mission opens (the access layer decides, not global permissions)."""
    tools = []
    for label, name, permission in table:
        app_label, codename = permission.split(".")
        verb, model_name = codename.split("_", 1)
        if may_read_kind([actor], apps.get_model(app_label, model_name), verb):
            tools.append(Tool(str(label), reverse(name)))
    return tools


def mission_tools(user, mission: Mission, actor: Actor) -> list[tuple[str, list[Tool]]]:
    """The tools of the user's role in this mission, grouped as the cockpit lists them."""
    slug = mission.slug
    election_day = [
        Tool(_("Election-day dashboard"), reverse("reports:dashboard", args=[slug])),
        Tool(_("Map"), reverse("cockpit:map", args=[slug])),
        Tool(_("Incident cases"), reverse("incidents:cases", args=[slug])),
        Tool(_("Urgent incidents"), reverse("observe:incidents", args=[slug])),
        Tool(_("All submissions"), reverse("observe:submission_collection", args=[slug])),
        Tool(_("LTO reports and STO teams"), reverse("observe:lto_area", args=[slug])),
    ]
    groups = [(_("Election day"), election_day)]
    statistics = [
        Tool(_("Compilations and reports"), reverse("reports:mission", args=[slug])),
        Tool(_("Official results and cross-checks"), reverse("results:mission", args=[slug])),
    ]
    groups.append((_("Statistics"), statistics))
    if can_plan_deployment(actor, mission):
        planning = [
            Tool(_("Deployment planning"), reverse("deployment:planning", args=[slug])),
            Tool(_("Deployment plan (XLSX)"), reverse("deployment:export", args=[slug, "xlsx"])),
        ]
        groups.append((_("Deployment"), planning))
    imports = _admin_tools(actor, IMPORTS)
    if imports:
        groups.append((_("Imports"), imports))
    sections = _admin_tools(actor, ADMIN_SECTIONS)
    if sections:
        groups.append((_("Administration"), [Tool(_("Administration home"), reverse("admin:index")), *sections]))
    groups.append((_("Help"), [Tool(_("Guide for running a mission"), reverse("cockpit:guide"))]))
    return groups


def _silence_hours(request: HttpRequest) -> int:
    value = request.GET.get("hours", "")
    hours = parse_id(value)  # not value.isdigit(): it accepts "²", which int() refuses
    if hours is not None and hours <= SILENCE_HOURS_MAX:
        return hours
    return SILENCE_HOURS_DEFAULT


@login_required
@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    """Where a user lands after logging in: the cockpit, the published reports, or the observers' pages."""
    missions = cockpit_missions(request.user)
    if len(missions) == 1:
        return redirect("cockpit:mission", slug=missions[0][0].slug)
    if missions:
        return render(request, "cockpit/index.html", {"missions": missions})
    if is_odihr_staff(request.user):
        return redirect("reports:index")
    return redirect("observe:home")


def cockpit_scope(request: HttpRequest, slug: str) -> tuple[Mission, Actor]:
    """The mission and the user's Actor, if they see the whole mission; 404 for non-members, 403 for other members."""
    mission = get_object_or_404(Mission, slug=slug)
    actor = actor_for(request.user, mission)
    if actor is None and actor_for(request.user, mission, followers=True) is None:
        raise Http404(_("No such mission."))  # as for a mission that does not exist: nothing to confirm
    if not can_open_cockpit(actor, mission):
        raise PermissionDenied(_("The cockpit is for the mission's head, coordinators and analysts."))
    return mission, actor


@login_required
@require_GET
def mission(request: HttpRequest, slug: str) -> HttpResponse:
    """One mission at a glance: roster, teams, deployment, forms in, silent teams, latest run, and every tool."""
    mission, actor = cockpit_scope(request, slug)
    hours = _silence_hours(request)
    now = timezone.now()
    since = now - datetime.timedelta(hours=hours)
    context = {
        "mission": mission,
        "actor": actor,
        "state": mission_state(mission=mission, since=since),
        "hours": hours,
        "now_local": local_moment(now, mission, with_zone=True),
        "since_local": local_moment(since, mission),
        "tools": mission_tools(request.user, mission, actor),
    }
    return render(request, "cockpit/mission.html", context)


GUIDE_FILE = settings.BASE_DIR / "docs" / "guide.md"
GUIDE_IMAGES = settings.BASE_DIR / "docs" / "img"


def _guide_file(language: str | None):
    """The guide in a language (docs/guide.ru.md), or in English (docs/guide.md) when it has no translation."""
    code = (language or settings.LANGUAGE_CODE).split("-")[0]
    translated = GUIDE_FILE.with_name(f"guide.{code}.md")
    return translated if translated.exists() else GUIDE_FILE


@lru_cache(maxsize=len(settings.LANGUAGES))
def _guide_html(language: str | None) -> str:
    """The guide in the reader's language as HTML (raw HTML in the file is escaped, never passed through)."""
    from markdown_it import MarkdownIt

    path = _guide_file(language)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    text = text.replace("](img/", "](" + reverse("cockpit:guide_image", args=["__name__"]).replace("__name__", ""))
    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)


@login_required
@require_GET
def guide(request: HttpRequest) -> HttpResponse:
    """The guide for the people who run a mission, from an empty installation to a published statement."""
    return render(request, "cockpit/guide.html", {"guide": mark_safe(_guide_html(get_language()))})  # noqa: S308 (escaped by markdown-it)


@login_required
@require_GET
def guide_image(request: HttpRequest, name: str) -> FileResponse:
    """A screenshot of the guide (docs/img), by plain file name only."""
    if not GUIDE_IMAGE_NAME.fullmatch(name):
        raise Http404(_("No such picture."))
    path = GUIDE_IMAGES / name
    if not path.is_file():
        raise Http404(_("No such picture."))
    return FileResponse(path.open("rb"), content_type="image/png")


def _member_scope(request: HttpRequest, slug: str) -> tuple[Mission, Actor]:
    """The mission and the user's Actor, for any member; 404 for users with no business in the mission (as for a
    mission that does not exist: nothing to confirm), 403 for those following it."""
    mission = get_object_or_404(Mission, slug=slug)
    actor = actor_for(request.user, mission)
    if actor is None and actor_for(request.user, mission, followers=True) is None:
        raise Http404(_("No such mission."))
    if not can_view_map(actor, mission):
        raise PermissionDenied(_("You are not a member of this mission."))
    return mission, actor


@login_required
@require_GET
def map_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The mission map on a page of its own: what the user's role may see of stations, routes and incidents."""
    mission, actor = _member_scope(request, slug)
    context = {"mission": mission, "actor": actor, "can_open_cockpit": can_open_cockpit(actor, mission)}
    return render(request, "cockpit/map.html", context)


@never_cache
@require_GET
def map_json(request: HttpRequest, slug: str) -> JsonResponse:
    """The map's data for the user's role, optionally for one region and one form kind."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("Log in to see the map.")}, status=401)
    mission, actor = _member_scope(request, slug)
    regions = map_regions(mission=mission, actor=actor)
    region_id = None
    wanted = request.GET.get("region", "")
    if wanted:
        region_id = next((region.pk for region in regions if str(region.pk) == wanted), None)
        if region_id is None:
            raise Http404(_("No such region in your area."))
    data = map_data(mission=mission, actor=actor, region_id=region_id, kind=request.GET.get("kind", ""))
    data["regions"] = [[region.pk, region.name] for region in regions]
    return JsonResponse(data)
