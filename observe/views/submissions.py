"""The forms a team or a mission sent: the list and one form with its history of corrections."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from access import Actor
from checklists.choices import FormKind, QuestionType
from checklists.selectors import template_with_structure
from missions.clock import local_moment
from missions.models import Mission
from observe.selectors import header_names, revisions_newest_first, submission_listing
from observe.templatetags.observe import kind_label
from observe.views.common import (
    mission_scope,
    status_of,
    submission_or_404,
    with_status,
)
from observe.views.forms import form_sections, submit
from submissions.selectors import locked_kinds


def _submission_list(request: HttpRequest, mission: Mission, actor: Actor) -> HttpResponse:
    kind = request.GET.get("kind", "")
    submissions = submission_listing(actor=actor, mission=mission, kind=kind if kind in FormKind.values else "")
    page = Paginator(submissions, 50).get_page(request.GET.get("page"))
    rows = with_status(page.object_list, locked_kinds(mission=mission))
    kinds = [(value, kind_label(value)) for value in FormKind.values]
    context = {"mission": mission, "actor": actor, "page": page, "rows": rows, "kind": kind, "kinds": kinds}
    return render(request, "observe/submission_list.html", context)


def submission_collection(request: HttpRequest, mission_slug: str) -> HttpResponse:
    """GET: the submissions the user may see (their team's for observers). POST: record one form (JSON)."""
    if request.method == "POST":
        return submit(request, mission_slug)
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    mission, actor = mission_scope(request, mission_slug)
    return _submission_list(request, mission, actor)


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


# The header fields of a form that hold the id of a row: shown by what that row is called.
HEADER_IDS = ("polling_station", "tec", "team")


def _header_ids(revisions) -> dict[str, set[int]]:
    """Every station, TEC and team id the versions' changes name, to look them all up at once."""
    ids: dict[str, set[int]] = {key: set() for key in HEADER_IDS}
    for revision in revisions:
        for key, pair in (revision.changes or {}).items():
            if key in ids and isinstance(pair, list | tuple):
                ids[key].update(value for value in pair if isinstance(value, int) and not isinstance(value, bool))
    return ids


def _header_display(key: str, value, mission: Mission, names: dict[str, dict[int, str]]) -> str:
    """A header field of a form (ids, moments, flags) as the reader reads it."""
    if value is None or value == "":
        return ""
    if key in ("urgent", "confidential"):
        return _("Yes") if value else _("No")
    if key in ("arrival_time", "departure_time"):
        return local_moment(value, mission, with_zone=True)
    return names.get(key, {}).get(value) or str(value)


def _changes_shown(changes: dict, questions: dict, mission: Mission, names: dict[str, dict[int, str]]) -> list[dict]:
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
            before, after = _header_display(code, old, mission, names), _header_display(code, new, mission, names)
        shown.append({"code": code, "label": label, "old": before or "—", "new": after or "—"})
    return shown


@login_required
@require_GET
def submission_detail(request: HttpRequest, mission_slug: str, uuid) -> HttpResponse:
    """One submitted form with its answers and its history of corrections."""
    mission, actor = mission_scope(request, mission_slug)
    submission = submission_or_404(actor, mission, uuid)
    language = get_language() or "en"
    sections = form_sections(template_with_structure(template_id=submission.template_id), language)
    answers = (submission.payload or {}).get("answers", {})
    for section in sections:
        for question in section["questions"]:
            question["display"] = _answer_display(question, answers.get(question["code"]))
            question["answered"] = question["code"] in answers
    revisions = revisions_newest_first(submission=submission)
    questions = {question["code"]: question for section in sections for question in section["questions"]}
    names = header_names(mission=mission, ids=_header_ids(revisions))
    for revision in revisions:
        revision.changes_shown = _changes_shown(revision.changes or {}, questions, mission, names)
    locked = submission.kind in locked_kinds(mission=mission)
    context = {
        "mission": mission,
        "actor": actor,
        "submission": submission,
        "sections": sections,
        "revisions": revisions,
        "status": status_of(submission, {submission.kind} if locked else set()),
        "can_correct": not locked and actor.team_id is not None and submission.team_id == actor.team_id,
    }
    return render(request, "observe/submission_detail.html", context)
