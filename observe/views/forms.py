"""Forms: finding a station, a blank form, sending it (JSON) and correcting it."""

from __future__ import annotations

import json
import uuid as uuid_module

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods

from access import Actor, actor_for, can_file_lto_reports, can_find_stations
from access.rules import area_region_ids
from checklists.choices import LTO_KINDS, FormKind, QuestionType
from checklists.models import FormTemplate
from checklists.selectors import template_published, template_schema, template_with_structure
from config.parsing import parse_id
from missions.clock import local_zone
from missions.models import Mission, PollingStation, Tec
from missions.selectors import stations_find
from observe.selectors import (
    form_already_sent,
    forms_sent_by_team,
    mission_with_template,
    regions_in_area,
    station_of_mission,
    tec_of_mission,
    tecs_in_area,
)
from observe.templatetags.observe import kind_label
from observe.views.common import (
    form_url,
    json_error,
    mission_scope,
    parse_json_body,
    submission_json,
    submission_or_404,
    validation_errors,
)
from submissions.models import Submission
from submissions.selectors import locked_kinds
from submissions.services import PAYLOAD_KEYS, STATION_KINDS, SubmissionConflict, submission_correct, submission_record


def _observer_payload(body: dict, actor: Actor) -> dict:
    """The form fields the browser may send (anything else is dropped), filed for the observer's own team."""
    return {**{key: body[key] for key in PAYLOAD_KEYS if key in body}, "team": actor.team_id}


def _in_area(actor: Actor, region_id: int | None) -> bool:
    area = area_region_ids(actor)
    return area is None or (region_id is not None and region_id in area)


def _station_in_area(actor: Actor, mission: Mission, station_id: str | None) -> PollingStation:
    """A polling station of the mission inside the actor's area; anything else is refused."""
    if not station_id:
        raise Http404(_("Choose a polling station."))
    if parse_id(station_id) is None:
        raise BadRequest(_("Choose a polling station: 'station' must be the id of one."))
    station = station_of_mission(mission=mission, station_id=parse_id(station_id))
    if station is None or not _in_area(actor, station.region_id):
        raise Http404(_("No such polling station in your team's area."))
    return station


def _tec_in_area(actor: Actor, mission: Mission, tec_id: str | None) -> Tec:
    """A TEC of the mission inside the actor's area; anything else is refused."""
    if not tec_id:
        raise Http404(_("Choose a territorial election commission."))
    if parse_id(tec_id) is None:
        raise BadRequest(_("Choose a territorial election commission: 'tec' must be the id of one."))
    tec = tec_of_mission(mission=mission, tec_id=parse_id(tec_id))
    if tec is None or not _in_area(actor, tec.region_id):
        raise Http404(_("No such TEC in your team's area."))
    return tec


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


def form_sections(template: FormTemplate, language: str) -> list[dict]:
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
        "sections": form_sections(template, get_language() or "en"),
        "is_lto_kind": template.kind in LTO_KINDS,
        "is_meeting": template.kind == FormKind.MEETING,
        "is_counting": template.kind == FormKind.COUNTING,
        "submit_url": reverse("observe:submission_collection", args=[mission.slug]),
        "home_url": reverse("observe:home"),
        **extra,
    }


def _form_link(mission: Mission, kind: str, sent: Submission | None, locked: set[str], **place) -> dict:
    """What a station (or TEC) offers for one kind: a new form, or the correction of the one the team sent."""
    link = {"kind": kind, "label": kind_label(kind), "url": form_url(mission, kind, **place), "sent": sent}
    if sent is not None:
        link["detail_url"] = reverse("observe:submission_detail", args=[mission.slug, sent.uuid])
        if kind not in locked:
            link["correct_url"] = reverse("observe:submission_edit", args=[mission.slug, sent.uuid])
    return link


@login_required
@require_GET
def station_search(request: HttpRequest, mission_slug: str) -> HttpResponse:
    """Find a polling station of the team's area by number, to start a form for a station not in the plan."""
    mission, actor = mission_scope(request, mission_slug)
    if not can_find_stations(actor, mission):
        raise PermissionDenied(_("Only observer teams start forms."))
    number = request.GET.get("number", "").strip().lstrip("№").strip()[:32]
    area = area_region_ids(actor)
    regions = regions_in_area(mission=mission, region_ids=area)
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
    tecs = tecs_in_area(mission=mission, region_ids=area)
    sent = forms_sent_by_team(actor=actor, mission=mission, stations=stations, tecs=tecs)
    locked = locked_kinds(mission=mission) if sent else set()
    for station in stations:
        station.form_links = [
            _form_link(mission, kind, sent.get((kind, station.pk)), locked, station=station.pk)
            for kind in STATION_KINDS
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
    mission, actor = mission_scope(request, mission_slug)
    if kind not in FormKind.values:
        raise Http404(_("No such form."))
    if actor.team_id is None:
        raise PermissionDenied(_("Only observer teams fill in forms."))
    station = tec = None
    if kind in LTO_KINDS:
        if not can_file_lto_reports(actor, mission):
            raise PermissionDenied(_("Only long-term observers file this report."))
    elif kind == FormKind.TABULATION:
        tec = _tec_in_area(actor, mission, request.GET.get("tec"))
    else:
        station = _station_in_area(actor, mission, request.GET.get("station"))
        tec = station.tec
    template = _published_template(mission, kind)
    already_sent = None
    if station is not None or kind == FormKind.TABULATION:
        already_sent = form_already_sent(actor=actor, mission=mission, kind=kind, station=station, tec=tec)
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


def submit(request: HttpRequest, mission_slug: str) -> JsonResponse:
    """Record one form posted by the browser: 201 new, 200 replay, 409 conflicting reuse, 400 invalid, 403 refused."""
    if not request.user.is_authenticated:
        return json_error(401, _("Your session has ended; log in again to send this form."))
    # The body is read first so that the mission and its checklist come in one query; a body that cannot be read
    # is answered only after the mission and the user's place in it are known, as before.
    try:
        body, unreadable = parse_json_body(request), None
    except ValidationError as error:
        body, unreadable = {}, error
    template_id = parse_id(body.get("template"))
    mission, template = mission_with_template(mission_slug=mission_slug, template_id=template_id)
    if mission is None:
        return json_error(404, _("No such mission."))
    actor = actor_for(request.user, mission)
    if actor is None or actor.team_id is None:
        return json_error(403, _("You cannot submit forms in this mission."))
    try:
        if unreadable is not None:
            raise unreadable
        try:
            submission_uuid = uuid_module.UUID(str(body.get("uuid", "")))
        except ValueError as error:
            raise ValidationError({"uuid": [_("The form has no valid identifier.")]}) from error
        if template is None:
            raise ValidationError({"__all__": [_("This checklist does not exist in this mission.")]})
        payload = _observer_payload(body, actor)
        submission, created = submission_record(
            user=request.user, mission=mission, uuid=submission_uuid, template=template, payload=payload, actor=actor
        )
    except SubmissionConflict as error:
        return json_error(409, str(error) or _("This form was already sent with different content."))
    except ValidationError as error:
        return json_error(400, _("Please correct the marked answers."), validation_errors(error))
    except PermissionDenied as error:
        return json_error(403, str(error) or _("You cannot submit this form."))
    return JsonResponse(submission_json(mission, submission), status=201 if created else 200)


@login_required
@ensure_csrf_cookie
@require_http_methods(["GET", "POST"])
def submission_edit(request: HttpRequest, mission_slug: str, uuid) -> HttpResponse:
    """A team corrects its own form until coordinators lock that phase; every version is kept."""
    mission, actor = mission_scope(request, mission_slug)
    submission = submission_or_404(actor, mission, uuid)
    if actor.team_id is None or submission.team_id != actor.team_id:
        raise PermissionDenied(_("Only the team that filed a form may correct it."))
    if submission.kind in locked_kinds(mission=mission):
        if request.method == "POST":
            return json_error(403, _("This phase is locked; forms can no longer be corrected."))
        raise PermissionDenied(_("This phase is locked; forms can no longer be corrected."))
    if request.method == "POST":
        try:
            body = parse_json_body(request)
            payload = _observer_payload(body, actor)
            submission = submission_correct(user=request.user, submission=submission, payload=payload)
        except ValidationError as error:
            return json_error(400, _("Please correct the marked answers."), validation_errors(error))
        except PermissionDenied as error:
            return json_error(403, str(error) or _("This form can no longer be corrected."))
        return JsonResponse(submission_json(mission, submission), status=200)
    existing_payload = dict(submission.payload or {})
    zone = local_zone(mission, submission.region)
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
    context["submit_url"] = reverse("observe:submission_edit", args=[mission.slug, submission.uuid])
    return render(request, "observe/form.html", context)
