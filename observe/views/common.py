"""What every observers' page shares: the mission and Actor of a request, JSON errors, form links, statuses."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from access import Actor, actor_for
from checklists.rules import flag_messages
from config.parsing import parse_json
from missions.models import Mission
from observe.selectors import submission_in_scope
from submissions.choices import SubmissionStatus
from submissions.models import Submission


def mission_scope(request: HttpRequest, mission_slug: str) -> tuple[Mission, Actor]:
    """The mission and the user's Actor in it; 404 for an unknown mission and for a non-member alike.

    What a user may not see answers exactly as what does not exist (here and below): a 403 would confirm that a
    mission, a form's UUID, a team or a station is there.
    """
    mission = get_object_or_404(Mission, slug=mission_slug)
    actor = actor_for(request.user, mission)
    if actor is None:
        raise Http404(_("No such mission."))
    return mission, actor


def json_error(status: int, message: str, errors: dict | None = None) -> JsonResponse:
    body: dict = {"detail": message}
    if errors is not None:
        body["errors"] = errors
    return JsonResponse(body, status=status)


def submission_or_404(actor: Actor, mission: Mission, submission_uuid) -> Submission:
    """The submission if the actor may see it; 404 otherwise, whether or not the UUID exists."""
    submission = submission_in_scope(actor=actor, mission=mission, uuid=submission_uuid)
    if submission is None:
        raise Http404(_("No such form."))
    return submission


def status_of(submission: Submission, locked: set[str]) -> str:
    """What the observer sees: received, corrected or locked (a locked phase can no longer be corrected)."""
    if submission.kind in locked or submission.status == SubmissionStatus.LOCKED:
        return "locked"
    if submission.status == SubmissionStatus.CORRECTED or submission.revision > 1:
        return "corrected"
    return "received"


def with_status(submissions, locked: set[str]) -> list[Submission]:
    rows = list(submissions)
    for submission in rows:
        submission.observer_status = status_of(submission, locked)
    return rows


def form_url(mission: Mission, kind: str, *, station: int | None = None, tec: int | None = None) -> str:
    url = reverse("observe:form_new", args=[mission.slug, kind])
    if station is not None:
        return f"{url}?station={station}"
    if tec is not None:
        return f"{url}?tec={tec}"
    return url


def parse_json_body(request: HttpRequest) -> dict:
    try:
        body = parse_json(request.body or b"{}")
    except ValueError as error:
        raise ValidationError(
            {"__all__": [_("The form could not be read; please submit it again."), str(error)]}
        ) from error
    if not isinstance(body, dict):
        raise ValidationError({"__all__": [_("The form could not be read; please submit it again.")]})
    return body


def validation_errors(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"__all__": error.messages}


def submission_json(mission: Mission, submission: Submission) -> dict:
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
        "url": reverse("observe:submission_detail", args=[mission.slug, submission.uuid]),
    }
