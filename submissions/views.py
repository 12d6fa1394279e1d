"""The observers' site: thin views that find the Actor, call one selector or service, and render.

Every mission page asks observers.access.actor_for who the user is in that mission: STOs see their own team,
LTOs their area, the core team everything; anyone else gets 403 (an unknown mission 404).
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid as uuid_module
import zoneinfo
from functools import lru_cache

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.staticfiles import finders
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods

from checklists.choices import LTO_KINDS, FormKind, QuestionType
from checklists.models import FormTemplate
from checklists.rules import flag_messages
from checklists.selectors import template_published, template_schema, template_with_structure
from cockpit.templatetags.mission_clock import local_moment
from config.parsing import parse_id, parse_json
from deployment.models import PlannedVisit, TeamAssignment
from missions.models import Mission, PollingStation, Region, Tec
from missions.selectors import stations_find
from observers.access import Actor, actor_for, missions_for
from observers.choices import TeamKind
from observers.models import Team, TeamMember

from .choices import SubmissionStatus
from .models import Submission
from .selectors import locked_kinds, submissions_visible_to, urgent_incidents
from .services import SubmissionConflict, submission_correct, submission_record
from .templatetags.observe import kind_label

# Files the service worker keeps for offline use; every observer page needs them.
OFFLINE_STATIC_FILES = ("css/site.css", "js/site.js", "js/form.js", "js/incidents.js")
# Keys of a submission payload the browser may send; anything else is dropped before the service sees it.
PAYLOAD_KEYS = (
    "polling_station",
    "tec",
    "arrival_time",
    "departure_time",
    "urgent",
    "notes",
    "confidential",
    "answers",
)
TEAM_SUBMISSIONS_SHOWN = 200
INCIDENTS_SHOWN = 200


# ----------------------------------------------------------------------------------------------- helpers


def _scope(request: HttpRequest, mission_slug: str) -> tuple[Mission, Actor]:
    """The mission and the user's Actor in it; 404 for an unknown mission and for a non-member alike.

    What a user may not see answers exactly as what does not exist (here and below): a 403 would confirm that a
    mission, a form's UUID, a team or a station is there.
    """
    mission = get_object_or_404(Mission, slug=mission_slug)
    actor = actor_for(request.user, mission)
    if actor is None:
        raise Http404(_("No such mission."))
    return mission, actor


def _in_area(actor: Actor, region_id: int | None) -> bool:
    return actor.sees_whole_mission or (region_id is not None and region_id in actor.region_ids)


def _station_in_area(actor: Actor, mission: Mission, station_id: str | None) -> PollingStation:
    """A polling station of the mission inside the actor's area; anything else is refused."""
    if not station_id:
        raise Http404(_("Choose a polling station."))
    if parse_id(station_id) is None:
        raise BadRequest(_("Choose a polling station: 'station' must be the id of one."))
    station = (
        PollingStation.objects.select_related("tec", "region").filter(mission=mission, pk=parse_id(station_id)).first()
    )
    if station is None or not _in_area(actor, station.region_id):
        raise Http404(_("No such polling station in your team's area."))
    return station


def _tec_in_area(actor: Actor, mission: Mission, tec_id: str | None) -> Tec:
    """A TEC of the mission inside the actor's area; anything else is refused."""
    if not tec_id:
        raise Http404(_("Choose a territorial election commission."))
    if parse_id(tec_id) is None:
        raise BadRequest(_("Choose a territorial election commission: 'tec' must be the id of one."))
    tec = Tec.objects.select_related("region").filter(mission=mission, pk=parse_id(tec_id)).first()
    if tec is None or not _in_area(actor, tec.region_id):
        raise Http404(_("No such TEC in your team's area."))
    return tec


def _json_error(status: int, message: str, errors: dict | None = None) -> JsonResponse:
    body: dict = {"detail": message}
    if errors is not None:
        body["errors"] = errors
    return JsonResponse(body, status=status)


def _submission_in_scope(actor: Actor, mission: Mission, submission_uuid) -> Submission:
    """The submission if the actor may see it; 404 otherwise, whether or not the UUID exists."""
    submission = (
        submissions_visible_to(actor=actor)
        .filter(mission=mission, uuid=submission_uuid)
        .select_related("template", "team", "polling_station__region", "tec", "region")
        .first()
    )
    if submission is None:
        raise Http404(_("No such form."))
    return submission


def _status_of(submission: Submission, locked: set[str]) -> str:
    """What the observer sees: received, corrected or locked (a locked phase can no longer be corrected)."""
    if submission.kind in locked or submission.status == SubmissionStatus.LOCKED:
        return "locked"
    if submission.status == SubmissionStatus.CORRECTED or submission.revision > 1:
        return "corrected"
    return "received"


def _decorate(submissions, locked: set[str]) -> list[Submission]:
    rows = list(submissions)
    for submission in rows:
        submission.observer_status = _status_of(submission, locked)
    return rows


def form_url(mission: Mission, kind: str, *, station: int | None = None, tec: int | None = None) -> str:
    url = reverse("submissions:form_new", args=[mission.slug, kind])
    if station is not None:
        return f"{url}?station={station}"
    if tec is not None:
        return f"{url}?tec={tec}"
    return url


def _team_with_members(team_id: int) -> Team | None:
    members = TeamMember.objects.select_related("membership__observer").order_by("membership__observer__full_name")
    return Team.objects.prefetch_related(Prefetch("members", queryset=members)).filter(pk=team_id).first()


def _plan(team: Team) -> TeamAssignment | None:
    """The team's plan for election day with its stations (one query per relation, whatever the route length)."""
    visits = PlannedVisit.objects.select_related("polling_station__tec", "polling_station__region").order_by(
        "purpose", "order", "id"
    )
    return (
        TeamAssignment.objects.filter(team=team)
        .select_related("region", "tabulation_tec")
        .prefetch_related(Prefetch("visits", queryset=visits), "tecs")
        .first()
    )


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
            plan["urls"].append(reverse("submissions:submission_edit", args=[mission.slug, submission.uuid]))
    return plan


def _mission_panel(mission: Mission, actor: Actor) -> dict:
    """Everything the home page shows for one mission, in a fixed number of queries."""
    panel: dict = {"mission": mission, "actor": actor, "team": None, "plan": None, "submissions": []}
    if actor.team_id:
        team = _team_with_members(actor.team_id)
        panel["team"] = team
        locked = locked_kinds(mission=mission)
        submissions = _decorate(
            submissions_visible_to(actor=actor)
            .filter(mission=mission, team_id=actor.team_id)
            .select_related("polling_station__region", "tec")[:TEAM_SUBMISSIONS_SHOWN],
            locked,
        )
        panel["submissions"] = submissions
        if team is not None and team.kind == TeamKind.STO:
            done: dict = {}
            for submission in submissions:
                place = submission.polling_station_id if submission.kind != FormKind.TABULATION else submission.tec_id
                done.setdefault((submission.kind, place), submission)
            panel["plan"] = _plan_rows(mission, _plan(team), done)
    return panel


def _choices_for(question: dict) -> list[tuple[str, str]]:
    qtype = question.get("type")
    if qtype == QuestionType.YES_NO:
        return [("yes", _("Yes")), ("no", _("No"))]
    if qtype == QuestionType.YES_NO_NA:
        return [("yes", _("Yes")), ("no", _("No")), ("na", _("Not applicable"))]
    result = []
    for choice in question.get("choices") or []:
        if isinstance(choice, dict):
            result.append((str(choice.get("value")), str(choice.get("label") or choice.get("value"))))
        else:
            result.append((str(choice), str(choice)))
    return result


def _form_sections(template: FormTemplate, language: str) -> list[dict]:
    """The published template's sections and questions, in the chosen language, ready for the form template."""
    schema = template_schema(template, language=language)
    sections = []
    for index, section in enumerate(schema.get("sections", [])):
        questions = []
        for question in section.get("questions", []):
            shown_if = question.get("shown_if") or {}
            code = question["code"]
            questions.append(
                {
                    "code": code,
                    "type": question.get("type"),
                    "text": question.get("text") or code,
                    "help": question.get("help") or "",
                    "choices": _choices_for(question),
                    "required": bool(question.get("required")),
                    "min": question.get("min"),
                    "max": question.get("max"),
                    "shown_if_code": shown_if.get("code", "") if isinstance(shown_if, dict) else "",
                    "shown_if_values": json.dumps(shown_if.get("values", []) if isinstance(shown_if, dict) else []),
                    # The whole condition as a tree, for conditions written as expressions (and/or, comparisons).
                    "condition": json.dumps(question["condition_tree"]) if question.get("condition") else "",
                    "critical": bool(question.get("critical")),
                    "protocol_field": question.get("protocol_field") or "",
                }
            )
        sections.append(
            {
                "index": index,
                "title": section.get("title", ""),
                "questions": questions,
                "has_protocol": any(question["protocol_field"] for question in questions),
            }
        )
    return sections


def _published_template(mission: Mission, kind: str) -> FormTemplate:
    template = template_published(mission=mission, kind=kind)
    if template is None:
        raise Http404(_("No checklist of this kind is published for this mission yet."))
    return template


def _form_context(request: HttpRequest, mission: Mission, actor: Actor, template: FormTemplate, **extra) -> dict:
    return {
        "mission": mission,
        "actor": actor,
        "template": template,
        "kind": template.kind,
        "sections": _form_sections(template, get_language() or "en"),
        "is_lto_kind": template.kind in LTO_KINDS,
        "is_meeting": template.kind == FormKind.MEETING,
        "is_counting": template.kind == FormKind.COUNTING,
        "submit_url": reverse("submissions:submission_collection", args=[mission.slug]),
        "home_url": reverse("submissions:home"),
        **extra,
    }


def _zone_named(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _local_zone(mission: Mission, submission: Submission) -> zoneinfo.ZoneInfo:
    """The zone the observers' clock times are in: the region's, else the mission's."""
    return _zone_named((submission.region.time_zone if submission.region_id else "") or mission.time_zone)


def _parse_json_body(request: HttpRequest) -> dict:
    try:
        body = parse_json(request.body or b"{}")
    except ValueError as error:
        raise ValidationError(
            {"__all__": [_("The form could not be read; please submit it again."), str(error)]}
        ) from error
    if not isinstance(body, dict):
        raise ValidationError({"__all__": [_("The form could not be read; please submit it again.")]})
    return body


def _validation_errors(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"__all__": error.messages}


def _submission_json(mission: Mission, submission: Submission) -> dict:
    return {
        "uuid": str(submission.uuid),
        "kind": submission.kind,
        "revision": submission.revision,
        "protocol_mismatch": submission.protocol_mismatch,
        "protocol_issues": submission.protocol_issues,
        "protocol_messages": flag_messages(
            submission.protocol_issues, template=submission.template, language=get_language() or "en"
        ),
        "received_at": submission.received_at.isoformat(),
        "url": reverse("submissions:submission_detail", args=[mission.slug, submission.uuid]),
    }


# ----------------------------------------------------------------------------------------------- pages


@login_required
@ensure_csrf_cookie
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The missions the user belongs to; for observers their team, plan for the day and submissions."""
    panels = []
    for mission in missions_for(request.user).order_by("-election_day", "name"):
        actor = actor_for(request.user, mission)
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
    ("submissions:home", ()),
    ("submissions:offline", ()),
    ("submissions:form_new", ("MISSION", "KIND")),
    ("submissions:submission_collection", ("MISSION",)),
    ("submissions:submission_detail", ("MISSION", "00000000-0000-4000-8000-000000000000")),
    ("submissions:submission_edit", ("MISSION", "00000000-0000-4000-8000-000000000000")),
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
        "offline_url": json.dumps(reverse("submissions:offline")),
        "static_prefix": json.dumps(static("")),
        "login_path": json.dumps(reverse("login")),
        "keep_patterns": json.dumps(_offline_page_patterns()),
    }
    response = render(request, "observe/sw.js", context, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


def _sent_by_team(mission: Mission, actor: Actor, stations: list, tecs: list) -> dict:
    """The team's newest form per (kind, station or TEC) among those listed, in one query."""
    if actor.team_id is None or not (stations or tecs):
        return {}
    place = Q(polling_station__in=[station.pk for station in stations]) | Q(
        kind=FormKind.TABULATION, tec__in=[tec.pk for tec in tecs]
    )
    sent: dict = {}
    for submission in submissions_visible_to(actor=actor).filter(place, mission=mission, team_id=actor.team_id):
        where = submission.tec_id if submission.kind == FormKind.TABULATION else submission.polling_station_id
        sent.setdefault((submission.kind, where), submission)
    return sent


def _form_link(mission: Mission, kind: str, sent: Submission | None, locked: set[str], **place) -> dict:
    """What a station (or TEC) offers for one kind: a new form, or the correction of the one the team sent."""
    link = {"kind": kind, "label": kind_label(kind), "url": form_url(mission, kind, **place), "sent": sent}
    if sent is not None:
        link["detail_url"] = reverse("submissions:submission_detail", args=[mission.slug, sent.uuid])
        if kind not in locked:
            link["correct_url"] = reverse("submissions:submission_edit", args=[mission.slug, sent.uuid])
    return link


@login_required
@require_GET
def station_search(request: HttpRequest, mission_slug: str) -> HttpResponse:
    """Find a polling station of the team's area by number, to start a form for a station not in the plan."""
    mission, actor = _scope(request, mission_slug)
    if actor.team_id is None and not actor.sees_whole_mission:
        raise PermissionDenied(_("Only observer teams start forms."))
    number = request.GET.get("number", "").strip().lstrip("№").strip()[:32]
    area = None if actor.sees_whole_mission else actor.region_ids
    regions = list(
        Region.objects.filter(mission=mission)
        .filter(Q() if area is None else Q(pk__in=area))
        .order_by("name")
        .values("pk", "name")
    )
    region_param = request.GET.get("region", "")
    region_id = parse_id(region_param) if region_param else None
    if region_param and region_id is None:
        raise BadRequest(_("Choose a region: 'region' must be the id of one."))
    if region_id not in {region["pk"] for region in regions}:
        region_id = None
    stations = []
    if number:
        # Station numbers restart in every region: the region narrows the search, and each result names its region.
        stations = list(stations_find(mission=mission, number=number, region_ids=area, region_id=region_id)[:25])
    tecs = list(
        Tec.objects.filter(mission=mission)
        .filter(Q() if actor.sees_whole_mission else Q(region_id__in=actor.region_ids))
        .order_by("code")[:50]
    )
    sent = _sent_by_team(mission, actor, stations, tecs)
    locked = locked_kinds(mission=mission) if sent else set()
    for station in stations:
        station.form_links = [
            _form_link(mission, kind, sent.get((kind, station.pk)), locked, station=station.pk)
            for kind in (FormKind.OPENING, FormKind.VOTING, FormKind.COUNTING)
        ]
    for tec in tecs:
        tec.form_link = _form_link(
            mission, FormKind.TABULATION, sent.get((FormKind.TABULATION, tec.pk)), locked, tec=tec.pk
        )
    context = {
        "mission": mission,
        "actor": actor,
        "number": number,
        "stations": stations,
        "tecs": tecs,
        "regions": regions,
        "region_id": region_id,
    }
    return render(request, "observe/station_search.html", context)


@login_required
@ensure_csrf_cookie
@require_GET
def form_new(request: HttpRequest, mission_slug: str, kind: str) -> HttpResponse:
    """A blank form of one kind: for a station (or TEC) of the team's area, or without one for LTO reports."""
    mission, actor = _scope(request, mission_slug)
    if kind not in FormKind.values:
        raise Http404(_("No such form."))
    if actor.team_id is None:
        raise PermissionDenied(_("Only observer teams fill in forms."))
    station = tec = None
    if kind in LTO_KINDS:
        if actor.role != "lto":
            raise PermissionDenied(_("Only long-term observers file this report."))
    elif kind == FormKind.TABULATION:
        tec = _tec_in_area(actor, mission, request.GET.get("tec"))
    else:
        station = _station_in_area(actor, mission, request.GET.get("station"))
        tec = station.tec
    template = _published_template(mission, kind)
    already_sent = None
    if station is not None or kind == FormKind.TABULATION:
        place = {"polling_station": station} if station is not None else {"tec": tec}
        ours = submissions_visible_to(actor=actor).filter(mission=mission, team_id=actor.team_id, kind=kind)
        already_sent = ours.filter(**place).first()
    context = _form_context(
        request,
        mission,
        actor,
        template,
        station=station,
        tec=tec,
        existing=None,
        page_title=kind_label(kind),
        already_sent=already_sent,
        already_sent_can_correct=already_sent is not None and kind not in locked_kinds(mission=mission),
    )
    return render(request, "observe/form.html", context)


def _submission_list(request: HttpRequest, mission: Mission, actor: Actor) -> HttpResponse:
    submissions = submissions_visible_to(actor=actor).filter(mission=mission)
    if actor.is_observer:
        submissions = submissions.filter(team_id=actor.team_id)
    kind = request.GET.get("kind", "")
    if kind in FormKind.values:
        submissions = submissions.filter(kind=kind)
    submissions = submissions.select_related("team", "polling_station__region", "tec", "region")
    page = Paginator(submissions, 50).get_page(request.GET.get("page"))
    rows = _decorate(page.object_list, locked_kinds(mission=mission))
    kinds = [(value, kind_label(value)) for value in FormKind.values]
    context = {"mission": mission, "actor": actor, "page": page, "rows": rows, "kind": kind, "kinds": kinds}
    return render(request, "observe/submission_list.html", context)


def submission_collection(request: HttpRequest, mission_slug: str) -> HttpResponse:
    """GET: the submissions the user may see (their team's for observers). POST: record one form (JSON)."""
    if request.method == "POST":
        return _submit(request, mission_slug)
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    mission, actor = _scope(request, mission_slug)
    return _submission_list(request, mission, actor)


def _submit(request: HttpRequest, mission_slug: str) -> JsonResponse:
    """Record one form posted by the browser: 201 new, 200 replay, 409 conflicting reuse, 400 invalid, 403 refused."""
    if not request.user.is_authenticated:
        return _json_error(401, _("Your session has ended; log in again to send this form."))
    mission = Mission.objects.filter(slug=mission_slug).first()
    if mission is None:
        return _json_error(404, _("No such mission."))
    actor = actor_for(request.user, mission)
    if actor is None or actor.team_id is None:
        return _json_error(403, _("You cannot submit forms in this mission."))
    try:
        body = _parse_json_body(request)
        try:
            submission_uuid = uuid_module.UUID(str(body.get("uuid", "")))
        except ValueError as error:
            raise ValidationError({"uuid": [_("The form has no valid identifier.")]}) from error
        template_id = body.get("template")
        template = None
        if parse_id(template_id) is not None:
            template = FormTemplate.objects.filter(mission=mission, pk=parse_id(template_id)).first()
        if template is None:
            raise ValidationError({"__all__": [_("This checklist does not exist in this mission.")]})
        payload = {key: body[key] for key in PAYLOAD_KEYS if key in body}
        payload["team"] = actor.team_id
        submission, created = submission_record(
            user=request.user, mission=mission, uuid=submission_uuid, template=template, payload=payload, actor=actor
        )
    except SubmissionConflict as error:
        return _json_error(409, str(error) or _("This form was already sent with different content."))
    except ValidationError as error:
        return _json_error(400, _("Please correct the marked answers."), _validation_errors(error))
    except PermissionDenied as error:
        return _json_error(403, str(error) or _("You cannot submit this form."))
    return JsonResponse(_submission_json(mission, submission), status=201 if created else 200)


def _answer_display(question: dict, value) -> str:
    """An answer as the reader reads it: choice labels in the page's language, lists joined, nothing as empty."""
    labels = dict(question["choices"])
    if isinstance(value, list):
        return ", ".join(labels.get(str(item), str(item)) for item in value)
    if value is None or value == "":
        return ""
    if question["type"] == QuestionType.WEEK:
        return _("Week of Monday %(monday)s") % {"monday": value}
    return labels.get(str(value), str(value))


def _header_labels() -> dict:
    return {
        "polling_station": _("Polling station"),
        "tec": _("TEC"),
        "team": _("Team"),
        "arrival_time": _("Arrival time"),
        "departure_time": _("Departure time"),
        "urgent": _("Urgent"),
        "notes": _("Notes"),
        "confidential": _("Confidential"),
    }


def _header_display(key: str, value, mission: Mission) -> str:
    """A header field of a form (ids, moments, flags) as the reader reads it."""
    if value is None or value == "":
        return ""
    if key in ("urgent", "confidential"):
        return _("Yes") if value else _("No")
    if key in ("arrival_time", "departure_time"):
        return local_moment(value, mission, with_zone=True)
    if key == "polling_station":
        number = PollingStation.objects.filter(pk=value, mission=mission).values_list("number", flat=True).first()
        return _("PS %(number)s") % {"number": number} if number else str(value)
    if key == "tec":
        return Tec.objects.filter(pk=value, mission=mission).values_list("name", flat=True).first() or str(value)
    if key == "team":
        return Team.objects.filter(pk=value, mission=mission).values_list("code", flat=True).first() or str(value)
    return str(value)


def _changes_shown(changes: dict, questions: dict, mission: Mission) -> list[dict]:
    """A correction's changes with question texts and answer labels instead of codes and stored values."""
    headers = _header_labels()
    shown = []
    for code, pair in changes.items():
        old, new = (list(pair) + [None, None])[:2] if isinstance(pair, list | tuple) else (None, pair)
        if code in questions:
            question = questions[code]
            label, before, after = question["text"], _answer_display(question, old), _answer_display(question, new)
        else:
            label = headers.get(code, code)
            before, after = _header_display(code, old, mission), _header_display(code, new, mission)
        shown.append({"code": code, "label": label, "old": before or "—", "new": after or "—"})
    return shown


@login_required
@require_GET
def submission_detail(request: HttpRequest, mission_slug: str, uuid) -> HttpResponse:
    """One submitted form with its answers and its history of corrections."""
    mission, actor = _scope(request, mission_slug)
    submission = _submission_in_scope(actor, mission, uuid)
    language = get_language() or "en"
    sections = _form_sections(template_with_structure(template_id=submission.template_id), language)
    answers = (submission.payload or {}).get("answers", {})
    for section in sections:
        for question in section["questions"]:
            question["display"] = _answer_display(question, answers.get(question["code"]))
            question["answered"] = question["code"] in answers
    revisions = list(submission.revisions.select_related("changed_by").order_by("-revision"))
    questions = {question["code"]: question for section in sections for question in section["questions"]}
    for revision in revisions:
        revision.changes_shown = _changes_shown(revision.changes or {}, questions, mission)
    locked = submission.kind in locked_kinds(mission=mission)
    context = {
        "mission": mission,
        "actor": actor,
        "submission": submission,
        "sections": sections,
        "revisions": revisions,
        "status": _status_of(submission, {submission.kind} if locked else set()),
        "can_correct": not locked and actor.team_id is not None and submission.team_id == actor.team_id,
    }
    return render(request, "observe/submission_detail.html", context)


@login_required
@ensure_csrf_cookie
@require_http_methods(["GET", "POST"])
def submission_edit(request: HttpRequest, mission_slug: str, uuid) -> HttpResponse:
    """A team corrects its own form until coordinators lock that phase; every version is kept."""
    mission, actor = _scope(request, mission_slug)
    submission = _submission_in_scope(actor, mission, uuid)
    if actor.team_id is None or submission.team_id != actor.team_id:
        raise PermissionDenied(_("Only the team that filed a form may correct it."))
    if submission.kind in locked_kinds(mission=mission):
        if request.method == "POST":
            return _json_error(403, _("This phase is locked; forms can no longer be corrected."))
        raise PermissionDenied(_("This phase is locked; forms can no longer be corrected."))
    if request.method == "POST":
        try:
            body = _parse_json_body(request)
            payload = {key: body[key] for key in PAYLOAD_KEYS if key in body}
            payload["team"] = actor.team_id
            submission = submission_correct(user=request.user, submission=submission, payload=payload)
        except ValidationError as error:
            return _json_error(400, _("Please correct the marked answers."), _validation_errors(error))
        except PermissionDenied as error:
            return _json_error(403, str(error) or _("This form can no longer be corrected."))
        return JsonResponse(_submission_json(mission, submission), status=200)
    existing_payload = dict(submission.payload or {})
    zone = _local_zone(mission, submission)
    for name in ("arrival_time", "departure_time"):
        moment = getattr(submission, name)
        existing_payload[name.replace("_time", "_clock")] = moment.astimezone(zone).strftime("%H:%M") if moment else ""
    context = _form_context(
        request,
        mission,
        actor,
        template_with_structure(template_id=submission.template_id),
        station=submission.polling_station,
        tec=submission.tec,
        existing=submission,
        existing_payload=existing_payload,
        page_title=_("Correct: %(kind)s") % {"kind": kind_label(submission.kind)},
    )
    context["submit_url"] = reverse("submissions:submission_edit", args=[mission.slug, submission.uuid])
    return render(request, "observe/form.html", context)


@login_required
@require_GET
def lto_area(request: HttpRequest, mission_slug: str) -> HttpResponse:
    """LTO pages: weekly reports, meeting records and incident reports of the area, and its STO teams."""
    mission, actor = _scope(request, mission_slug)
    if actor.role != "lto" and not actor.sees_whole_mission:
        raise PermissionDenied(_("This page is for long-term observers."))
    reports = _decorate(
        submissions_visible_to(actor=actor)
        .filter(mission=mission, kind__in=LTO_KINDS)
        .select_related("team", "region")[:TEAM_SUBMISSIONS_SHOWN],
        locked_kinds(mission=mission),
    )
    teams = Team.objects.filter(mission=mission, kind=TeamKind.STO)
    if not actor.sees_whole_mission:
        teams = teams.filter(Q(lto_team_id=actor.team_id) | Q(assignment__region_id__in=actor.region_ids))
    teams = (
        teams.select_related("assignment__region")
        .annotate(submission_count=Count("submissions", distinct=True))
        .distinct()
        .order_by("code")
    )
    by_kind = {kind: [row for row in reports if row.kind == kind] for kind in LTO_KINDS}
    context = {
        "mission": mission,
        "actor": actor,
        "report_groups": [(kind_label(kind), kind, by_kind[kind]) for kind in LTO_KINDS],
        "new_links": [(kind_label(kind), form_url(mission, kind)) for kind in LTO_KINDS] if actor.role == "lto" else [],
        "teams": teams,
    }
    return render(request, "observe/lto_area.html", context)


def _team_visible(actor: Actor, team: Team) -> bool:
    if actor.sees_whole_mission or team.pk == actor.team_id:
        return True
    if actor.role != "lto" or team.kind != TeamKind.STO:
        return False
    if team.lto_team_id is not None and team.lto_team_id == actor.team_id:
        return True
    assignment = TeamAssignment.objects.filter(team=team).only("region_id").first()
    return assignment is not None and assignment.region_id in actor.region_ids


@login_required
@require_GET
def team_detail(request: HttpRequest, mission_slug: str, team_id: int) -> HttpResponse:
    """One team, its members and its submissions: the team itself, its LTOs and the core team."""
    mission, actor = _scope(request, mission_slug)
    team = _team_with_members(team_id)
    if team is None or team.mission_id != mission.pk or not _team_visible(actor, team):
        raise Http404(_("No such team."))
    submissions = _decorate(
        submissions_visible_to(actor=actor)
        .filter(mission=mission, team=team)
        .select_related("polling_station__region", "tec", "region")[:TEAM_SUBMISSIONS_SHOWN],
        locked_kinds(mission=mission),
    )
    context = {"mission": mission, "actor": actor, "team": team, "submissions": submissions}
    return render(request, "observe/team_detail.html", context)


def _incident_rows(mission: Mission) -> list[dict]:
    rows = []
    incidents_qs = urgent_incidents(mission=mission).select_related("team", "polling_station__region", "tec", "region")
    for submission in incidents_qs[:INCIDENTS_SHOWN]:
        rows.append(
            {
                "uuid": str(submission.uuid),
                "url": reverse("submissions:submission_detail", args=[mission.slug, submission.uuid]),
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
    mission, actor = _scope(request, mission_slug)
    if not actor.sees_whole_mission:
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
        "feed_url": reverse("submissions:incidents_feed", args=[mission.slug]),
    }
    return render(request, "observe/incidents.html", context)


@never_cache
@require_GET
def incidents_feed(request: HttpRequest, mission_slug: str) -> JsonResponse:
    """The urgent incidents as JSON for the page's polling."""
    if not request.user.is_authenticated:
        return _json_error(401, _("Log in to see urgent incidents."))
    mission = _coordinators_only(request, mission_slug)
    return JsonResponse({"incidents": _incident_rows(mission)})
