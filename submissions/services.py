"""Writes for submitted forms: validation, exactly-once recording, corrections with revisions, phase locks.

The same functions serve the observers' pages, the API, the admin and the demo generator, so a form is judged by
one set of rules wherever it comes from.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import uuid as uuid_module
import zoneinfo
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from checklists.choices import (
    NOT_APPLICABLE,
    OBSERVATION_KINDS,
    OVERALL_ASSESSMENT_CODE,
    FormKind,
    QuestionType,
    TemplateStatus,
)
from checklists.models import FormTemplate, Question
from checklists.selectors import template_questions
from missions.models import Mission, PollingStation, Tec
from observers.access import Actor, actor_for
from observers.models import Team

from .choices import SubmissionStatus
from .models import Answer, PhaseLock, Submission, SubmissionRevision

PAYLOAD_KEYS = (
    "polling_station",
    "tec",
    "team",
    "arrival_time",
    "departure_time",
    "urgent",
    "notes",
    "confidential",
    "answers",
)
TEXT_MAX_LENGTH = 5000
NOTES_MAX_LENGTH = 5000
INTEGER_LIMIT = 10**12
# Text answers keep this many characters in Answer.value (the full text is in Answer.text).
ANSWER_VALUE_PREFIX = 255
STATION_KINDS = (FormKind.OPENING, FormKind.VOTING, FormKind.COUNTING)
# Forms only long-term observers (or coordinators) file.
LTO_ONLY_KINDS = (FormKind.LTO_WEEKLY, FormKind.MEETING)
TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
CLOCK_PATTERN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d)?$")


class SubmissionConflict(Exception):
    """The UUID is already used by a form with different content; nothing was written (HTTP 409)."""

    def __init__(self, submission: Submission):
        self.submission = submission
        super().__init__(
            f"Form {submission.uuid} was already received with different content; "
            "open a new form instead of reusing this one."
        )


@dataclass
class CleanForm:
    """A payload after validation: header fields with Python types, answers of the shown questions only."""

    template: FormTemplate
    polling_station_id: int | None = None
    tec_id: int | None = None
    team_id: int | None = None
    team_given: bool = False
    arrival_time: datetime.datetime | datetime.time | None = None
    departure_time: datetime.datetime | datetime.time | None = None
    urgent: bool = False
    notes: str = ""
    confidential: bool = False
    answers: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------------------------------
# Validation


def _is_shown(question: Question, answers: dict, shown: set[str]) -> bool:
    """The rule the browser applies: shown when its condition's question is shown and answered with a listed value."""
    if not question.shown_if_code:
        return True
    if question.shown_if_code not in shown:
        return False
    answer = answers.get(question.shown_if_code)
    wanted = {str(value) for value in question.shown_if_values}
    if isinstance(answer, list):
        return any(str(value) in wanted for value in answer)
    return answer is not None and str(answer) in wanted


def _blank(value) -> bool:
    return value is None or value == "" or value == []


def _without_nul(text: str) -> str:
    """Texts lose NUL characters: PostgreSQL stores none, and no keyboard types one."""
    return text.replace("\x00", "")


def _clean_integer(question: Question, value) -> tuple[int | None, str | None]:
    if isinstance(value, bool):
        return None, _("Enter a whole number.")
    if isinstance(value, float):
        if not value.is_integer():
            return None, _("Enter a whole number.")
        value = int(value)
    if isinstance(value, str):
        stripped = value.strip()
        if not re.fullmatch(r"-?\d{1,12}", stripped):
            return None, _("Enter a whole number.")
        value = int(stripped)
    if not isinstance(value, int):
        return None, _("Enter a whole number.")
    if abs(value) > INTEGER_LIMIT:  # beyond any real figure, and beyond what the number column holds
        return None, _("Enter a number of at most %(n)s.") % {"n": INTEGER_LIMIT}
    if question.min_value is not None and value < question.min_value:
        return None, _("Enter a number of at least %(n)s.") % {"n": question.min_value}
    if question.max_value is not None and value > question.max_value:
        return None, _("Enter a number of at most %(n)s.") % {"n": question.max_value}
    return value, None


def _clean_answer(question: Question, value):
    """One answer to one shown question, or a message; blanks are returned as None."""
    kind = question.type
    if kind == QuestionType.MULTIPLE:
        if value is None:
            return None, None
        if not isinstance(value, list):
            return None, _("Choose from the list (a list of values is expected).")
        values = [str(item) for item in value]
        allowed = question.choice_values
        unknown = [item for item in values if item not in allowed]
        if unknown:
            return None, _("Not a choice of this question: %(values)s.") % {"values": ", ".join(unknown)}
        if len(set(values)) != len(values):
            return None, _("The same choice is given twice.")
        # Stored in the order of the question's choices, so the same selection always hashes the same.
        return [item for item in allowed if item in values] or None, None
    if isinstance(value, str):
        value = value.strip()
    if _blank(value):
        return None, None
    if kind == QuestionType.YES_NO:
        if value not in ("yes", "no"):
            return None, _("Answer yes or no.")
        return value, None
    if kind == QuestionType.YES_NO_NA:
        if value not in ("yes", "no", NOT_APPLICABLE):
            return None, _("Answer yes, no or not applicable (na).")
        return value, None
    if kind == QuestionType.SINGLE:
        if not isinstance(value, str) or value not in question.choice_values:
            return None, _("Not a choice of this question: %(values)s.") % {"values": value}
        return value, None
    if kind == QuestionType.INTEGER:
        return _clean_integer(question, value)
    if kind == QuestionType.TIME:
        if not isinstance(value, str) or not TIME_PATTERN.match(value):
            return None, _("Enter a time as HH:MM.")
        return value, None
    if kind == QuestionType.TEXT:
        if not isinstance(value, str):
            return None, _("Enter text.")
        value = _without_nul(value)
        if len(value) > TEXT_MAX_LENGTH:
            return None, _("Keep this to %(limit)s characters (it has %(length)s).") % {
                "limit": TEXT_MAX_LENGTH,
                "length": len(value),
            }
        return value, None
    return None, f"Unsupported question type {kind}."


def _clean_answers(questions: list[Question], raw, errors: dict) -> dict:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        errors["answers"] = ["Answers must be an object of question code to answer."]
        return {}
    known = {question.code for question in questions}
    for code in raw:
        if code not in known:
            errors.setdefault(str(code), []).append(_("Unknown question for this form version."))
    answers: dict = {}
    shown: set[str] = set()
    for question in questions:
        if not _is_shown(question, answers, shown):
            continue  # a hidden question's answer is dropped, never stored (see submission_validate)
        shown.add(question.code)
        value, message = _clean_answer(question, raw.get(question.code))
        if message:
            errors.setdefault(question.code, []).append(message)
            answers[question.code] = None
            continue
        if value is None and question.required:
            errors.setdefault(question.code, []).append(_("This answer is required."))
        answers[question.code] = value
    return answers


def _clean_id(name: str, value, errors: dict) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors[name] = ["Expected an id."]
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or value <= 0:
        errors[name] = ["Expected an id."]
        return None
    return value


def _clean_moment(name: str, value, errors: dict):
    """An ISO 8601 date-time (naive ones are local), or HH:MM[:SS] on the form's day; None when blank."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        errors[name] = ["Expected an ISO 8601 date and time, e.g. 2019-06-09T07:45."]
        return None
    value = value.strip()
    if CLOCK_PATTERN.match(value):
        return datetime.time.fromisoformat(value)
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        errors[name] = [f"Not a date and time: {value[:40]}. Use ISO 8601, e.g. 2019-06-09T07:45."]
    return parsed


def _clean_flag(name: str, value, errors: dict) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if value in ("true", "on", "1", 1):
        return True
    if value in ("false", "off", "0", 0, ""):
        return False
    errors[name] = ["Expected true or false."]
    return False


def _clean_form(*, template: FormTemplate, payload, questions: list[Question] | None = None) -> CleanForm:
    """Validate a whole payload; raises ValidationError listing every problem by field or question code."""
    if not isinstance(payload, dict):
        raise ValidationError({"payload": ["The form must be sent as a JSON object."]})
    errors: dict[str, list[str]] = {}
    for key in payload:
        if key not in PAYLOAD_KEYS:
            errors[str(key)] = [f"Unknown field. Expected only: {', '.join(PAYLOAD_KEYS)}."]
    form = CleanForm(template=template)
    form.polling_station_id = _clean_id("polling_station", payload.get("polling_station"), errors)
    form.tec_id = _clean_id("tec", payload.get("tec"), errors)
    form.team_given = payload.get("team") not in (None, "")
    form.team_id = _clean_id("team", payload.get("team"), errors)
    form.arrival_time = _clean_moment("arrival_time", payload.get("arrival_time"), errors)
    form.departure_time = _clean_moment("departure_time", payload.get("departure_time"), errors)
    form.urgent = _clean_flag("urgent", payload.get("urgent"), errors)
    form.confidential = _clean_flag("confidential", payload.get("confidential"), errors)
    notes = payload.get("notes") or ""
    if isinstance(notes, str):
        notes = _without_nul(notes)
    if not isinstance(notes, str):
        errors["notes"] = ["Notes must be text."]
    elif len(notes) > NOTES_MAX_LENGTH:
        errors["notes"] = [
            _("Keep the notes to %(limit)s characters (they have %(length)s).")
            % {"limit": NOTES_MAX_LENGTH, "length": len(notes)}
        ]
    else:
        form.notes = notes.strip()
    if form.confidential and template.kind != FormKind.MEETING:
        errors["confidential"] = ["Only meeting records can be confidential."]
    if template.kind in STATION_KINDS and form.polling_station_id is None and "polling_station" not in errors:
        errors["polling_station"] = [_("Choose a polling station.")]
    if template.kind == FormKind.TABULATION:
        if form.tec_id is None and "tec" not in errors:
            errors["tec"] = [_("Choose a territorial election commission.")]
        if form.polling_station_id is not None:
            errors["polling_station"] = ["A tabulation form is about a TEC, not a polling station."]
    if questions is None:
        questions = template_questions(template)
    form.answers = _clean_answers(questions, payload.get("answers"), errors)
    if errors:
        raise ValidationError(errors)
    return form


def submission_validate(*, template: FormTemplate, payload: dict) -> dict:
    """Check a payload against a template and return the cleaned answers of the shown questions.

    Raises ValidationError with {field or question code: [messages]} for every problem at once: unknown top-level
    keys, unknown question codes, wrong types, numbers out of bounds, values not in the choices, texts over
    5,000 characters, and required questions left blank while shown. "Shown" follows the template's shown_if
    conditions exactly as the browser does. Answers given to a question that is hidden are DROPPED, not refused:
    the browser keeps what was typed before a condition changed, and refusing would lose the whole form.

    The cleaned answers map every shown question's code to its value: "yes"/"no"/"na", a choice value, a list of
    choice values (multiple choice, in the order of the choices), an int, "HH:MM", a text, or None for blank.
    """
    return _clean_form(template=template, payload=payload).answers


# ---------------------------------------------------------------------------------------------------------------------
# Protocol arithmetic


def _figure(answers: dict, name: str) -> int | None:
    value = answers.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def protocol_check(answers: dict) -> list[str]:
    """The counting protocol's arithmetic problems as messages with the figures (empty when it adds up).

    `answers` maps protocol fields (ballots_received, ..., candidate_N) to integers; a rule whose figures are
    missing is not checked. Mobile-voting figures left blank count as zero. A mismatch is a finding, not an error.
    """
    issues: list[str] = []
    received = _figure(answers, "ballots_received")
    issued = _figure(answers, "ballots_issued")
    issued_mobile = _figure(answers, "ballots_issued_mobile") or 0
    unused = _figure(answers, "ballots_unused")
    spoiled = _figure(answers, "ballots_spoiled")
    found_stationary = _figure(answers, "ballots_found_stationary")
    found_mobile = _figure(answers, "ballots_found_mobile") or 0
    valid = _figure(answers, "ballots_valid")
    invalid = _figure(answers, "ballots_invalid")
    if None not in (received, issued, unused, spoiled):
        accounted = issued + issued_mobile + unused + spoiled
        if received != accounted:
            issues.append(
                f"Ballots received ({received}) do not equal ballots issued ({issued}) + issued for mobile voting "
                f"({issued_mobile}) + unused ({unused}) + spoiled ({spoiled}) = {accounted}."
            )
    if None not in (found_stationary, valid, invalid):
        found = found_stationary + found_mobile
        if found != valid + invalid:
            issues.append(
                f"Ballots found in the boxes ({found_stationary} + {found_mobile} = {found}) do not equal valid "
                f"({valid}) + invalid ({invalid}) = {valid + invalid}."
            )
    candidate_names = sorted(
        (name for name in answers if re.fullmatch(r"candidate_\d+", str(name))), key=lambda n: int(n.split("_")[1])
    )
    votes = [_figure(answers, name) for name in candidate_names]
    if valid is not None and candidate_names and None not in votes and sum(votes) != valid:
        issues.append(
            f"Valid ballots ({valid}) do not equal the sum of the candidates' votes "
            f"({' + '.join(map(str, votes))} = {sum(votes)})."
        )
    if None not in (found_stationary, issued):
        found = found_stationary + found_mobile
        all_issued = issued + issued_mobile
        if found > all_issued:
            issues.append(
                f"More ballots were found in the boxes ({found}) than were issued ({issued} + {issued_mobile} = "
                f"{all_issued})."
            )
    return issues


def protocol_figures(questions: list[Question], answers: dict) -> dict:
    """Protocol field -> answer, for the questions of a template that hold protocol figures."""
    return {question.protocol_field: answers.get(question.code) for question in questions if question.protocol_field}


# ---------------------------------------------------------------------------------------------------------------------
# Building rows


@dataclass
class Place:
    """Where a form was filled in, resolved from its ids."""

    team: Team | None
    polling_station: PollingStation | None
    tec: Tec | None
    region_id: int | None


def _local_zone(mission: Mission, place: Place) -> zoneinfo.ZoneInfo:
    name = mission.time_zone or "UTC"
    station = place.polling_station
    if station is not None and station.region.time_zone:
        name = station.region.time_zone
    elif place.tec is not None and place.tec.region.time_zone:
        name = place.tec.region.time_zone
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _moments(form: CleanForm, mission: Mission, place: Place) -> tuple[datetime.datetime | None, ...]:
    """Aware arrival and departure; a bare clock time is on election day (or today, for LTO forms), local time."""
    zone = _local_zone(mission, place)
    day = mission.election_day if form.template.kind in OBSERVATION_KINDS else timezone.localdate(timezone=zone)
    result = []
    for moment in (form.arrival_time, form.departure_time):
        if isinstance(moment, datetime.time):
            moment = datetime.datetime.combine(day, moment)
        if moment is not None and timezone.is_naive(moment):
            moment = timezone.make_aware(moment, zone)
        result.append(moment)
    arrival, departure = result
    if (
        arrival is not None
        and departure is not None
        and departure < arrival
        and isinstance(form.departure_time, datetime.time)
    ):
        departure += datetime.timedelta(days=1)  # counts run past midnight
    if arrival is not None and departure is not None and departure < arrival:
        raise ValidationError({"departure_time": [_("Departure cannot be before arrival.")]})
    return arrival, departure


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.astimezone(datetime.UTC).isoformat() if moment is not None else None


def canonical_payload(form: CleanForm, place: Place, arrival, departure) -> dict:
    """The payload as stored and hashed: resolved ids, UTC times, cleaned answers."""
    return {
        "template": form.template.pk,
        "polling_station": place.polling_station.pk if place.polling_station else None,
        "tec": place.tec.pk if place.tec else None,
        "team": place.team.pk if place.team else None,
        "arrival_time": _iso(arrival),
        "departure_time": _iso(departure),
        "urgent": form.urgent,
        "notes": form.notes,
        "confidential": form.confidential,
        "answers": form.answers,
    }


def content_hash(canonical: dict) -> str:
    """A stable hash of a canonical payload (key order and spacing do not matter)."""
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def answer_values(questions: list[Question], answers: dict) -> list[tuple[str, str | None, int | None, str]]:
    """(code, value, number, text) per Answer row: one per shown question, one per chosen value, NULL when blank."""
    rows: list[tuple[str, str | None, int | None, str]] = []
    for question in questions:
        if question.code not in answers:
            continue  # hidden: no row, so it is neither answered nor blank
        code, value = question.code, answers[question.code]
        if value is None:
            rows.append((code, None, None, ""))
        elif isinstance(value, list):
            rows.extend((code, item, None, "") for item in value)
        elif question.type == QuestionType.INTEGER:
            rows.append((code, str(value), value, ""))
        elif question.type == QuestionType.TEXT:
            rows.append((code, value[:ANSWER_VALUE_PREFIX], None, value))
        else:
            rows.append((code, str(value), None, ""))
    return rows


def _answer_rows(submission: Submission, values: list[tuple]) -> list[Answer]:
    """Unsaved Answer rows of a submission from answer_values."""
    return [
        Answer(submission=submission, question_code=code, value=value, number=number, text=text)
        for code, value, number, text in values
    ]


def _has_critical(questions: list[Question], answers: dict) -> bool:
    for question in questions:
        if not question.critical_values or question.code not in answers:
            continue
        value = answers[question.code]
        critical = {str(v) for v in question.critical_values}
        chosen = value if isinstance(value, list) else [value]
        if any(item is not None and str(item) in critical for item in chosen):
            return True
    return False


def _apply(submission: Submission, *, form: CleanForm, place: Place, questions: list[Question], canonical: dict):
    """Copy a validated form's derived fields onto a submission (new or corrected)."""
    answers = form.answers
    submission.template = form.template
    submission.kind = form.template.kind
    submission.team = place.team
    submission.polling_station = place.polling_station
    submission.tec = place.tec
    submission.region_id = place.region_id
    submission.area_type = place.polling_station.area_type if place.polling_station else ""
    submission.arrival_time = (
        datetime.datetime.fromisoformat(canonical["arrival_time"]) if canonical["arrival_time"] else None
    )
    submission.departure_time = (
        datetime.datetime.fromisoformat(canonical["departure_time"]) if canonical["departure_time"] else None
    )
    submission.notes = form.notes
    submission.urgent = form.urgent
    submission.confidential = form.confidential
    submission.overall_assessment = answers.get(OVERALL_ASSESSMENT_CODE) or ""
    submission.has_critical = _has_critical(questions, answers)
    issues = protocol_check(protocol_figures(questions, answers)) if form.template.kind == FormKind.COUNTING else []
    submission.protocol_issues = issues
    submission.protocol_mismatch = bool(issues)
    submission.payload = canonical
    submission.content_hash = content_hash(canonical)


def submission_build(
    *, mission: Mission, form: CleanForm, place: Place, questions: list[Question], user=None, uuid=None
) -> tuple[Submission, list[tuple]]:
    """An unsaved submission and its answer_values from a validated form (shared by recording and the demo)."""
    arrival, departure = _moments(form, mission, place)
    canonical = canonical_payload(form, place, arrival, departure)
    submission = Submission(uuid=uuid or uuid_module.uuid4(), mission=mission, submitted_by=user)
    _apply(submission, form=form, place=place, questions=questions, canonical=canonical)
    return submission, answer_values(questions, form.answers)


# ---------------------------------------------------------------------------------------------------------------------
# Places and permissions


def _resolve_place(*, mission: Mission, form: CleanForm, actor: Actor | None) -> Place:
    """Load the station, TEC and team named by a form, checking they belong to the mission."""
    errors: dict[str, list[str]] = {}
    station = tec = team = None
    if form.polling_station_id is not None:
        station = (
            PollingStation.objects.select_related("tec__region", "region")
            .filter(mission=mission, pk=form.polling_station_id)
            .first()
        )
        if station is None:
            errors["polling_station"] = [f"No polling station with id {form.polling_station_id} in this mission."]
    if form.tec_id is not None:
        tec = Tec.objects.select_related("region").filter(mission=mission, pk=form.tec_id).first()
        if tec is None:
            errors["tec"] = [f"No TEC with id {form.tec_id} in this mission."]
        elif station is not None and station.tec_id != tec.pk:
            errors["tec"] = [f"Polling station {station.number} belongs to TEC {station.tec.code}, not {tec.code}."]
    if station is not None and tec is None:
        tec = station.tec
    team_id = form.team_id if form.team_given else (actor.team_id if actor else None)
    if team_id is not None:
        team = Team.objects.filter(mission=mission, pk=team_id).first()
        if team is None:
            errors["team"] = [f"No team with id {team_id} in this mission."]
    if errors:
        raise ValidationError(errors)
    region_id = station.region_id if station else (tec.region_id if tec else None)
    return Place(team=team, polling_station=station, tec=tec, region_id=region_id)


def _authorise_actor(actor: Actor | None) -> None:
    """Who may file forms at all (checked before the payload is even read)."""
    if actor is None:
        raise PermissionDenied(_("You are not a member of this mission."))
    if actor.is_coordinator:
        return
    if actor.role not in ("sto", "lto"):
        raise PermissionDenied("Only observers and coordinators submit forms.")
    if actor.team_id is None:
        raise PermissionDenied("You are not in a team yet, so you cannot submit forms.")


def _authorise(actor: Actor | None, *, kind: str, place: Place) -> None:
    """Who may file which form where; raises PermissionDenied with the reason."""
    _authorise_actor(actor)
    if actor.is_coordinator:
        return
    if place.team is None or place.team.pk != actor.team_id:
        raise PermissionDenied("You can submit forms only for your own team.")
    if actor.role == "sto" and kind in LTO_ONLY_KINDS:
        raise PermissionDenied("Weekly reports and meeting records are filed by long-term observers.")
    if place.region_id is not None and place.region_id not in actor.region_ids:
        area = "your team's area" if actor.role == "sto" else "your area of responsibility"
        raise PermissionDenied(f"That place is outside {area}.")


def _check_template(*, mission: Mission, template: FormTemplate) -> None:
    if template.mission_id != mission.pk:
        raise ValidationError({"template": ["This checklist belongs to another mission."]})
    if template.status == TemplateStatus.DRAFT:
        raise ValidationError({"template": ["This checklist version is a draft and does not accept forms yet."]})


def _phase_locked(mission_id: int, kind: str) -> bool:
    return PhaseLock.objects.filter(mission_id=mission_id, kind=kind).exists()


# ---------------------------------------------------------------------------------------------------------------------
# Recording, replaying, correcting


def _stored(uuid) -> Submission | None:
    """The form already stored under a UUID, if any."""
    return Submission.objects.filter(uuid=uuid).first()


def _replay_or_conflict(existing: Submission, mission: Mission, digest: str) -> tuple[Submission, bool]:
    """Same content (now or in any earlier revision) is a harmless replay; anything else is a conflict."""
    if existing.mission_id == mission.pk:
        if existing.content_hash == digest:
            return existing, False
        for payload in existing.revisions.values_list("payload", flat=True):
            if content_hash(payload) == digest:
                return existing, False
    raise SubmissionConflict(existing)


def submission_record(
    *, user, mission: Mission, uuid, template: FormTemplate, payload: dict
) -> tuple[Submission, bool]:
    """Store a form exactly once: (submission, True) when new, (existing, False) for a replay of the same content.

    Raises ValidationError (bad payload), PermissionDenied (not this user's team or area) or SubmissionConflict
    (the UUID was used for different content). Nothing is written in any of those cases.
    """
    try:
        uuid = uuid if isinstance(uuid, uuid_module.UUID) else uuid_module.UUID(str(uuid))
    except ValueError as error:
        raise ValidationError({"uuid": ["Not a valid UUID."]}) from error
    actor = actor_for(user, mission)
    _authorise_actor(actor)
    _check_template(mission=mission, template=template)
    questions = template_questions(template)
    form = _clean_form(template=template, payload=payload, questions=questions)
    place = _resolve_place(mission=mission, form=form, actor=actor)
    _authorise(actor, kind=template.kind, place=place)
    submission, answers = submission_build(
        mission=mission, form=form, place=place, questions=questions, user=user, uuid=uuid
    )
    existing = _stored(uuid)
    if existing is not None:
        return _replay_or_conflict(existing, mission, submission.content_hash)
    if _phase_locked(mission.pk, template.kind):
        submission.status = SubmissionStatus.LOCKED  # a late form is still kept, never lost
    try:
        with transaction.atomic():
            submission.save()
            Answer.objects.bulk_create(_answer_rows(submission, answers))
            SubmissionRevision.objects.create(
                submission=submission, revision=1, payload=submission.payload, changed_by=user
            )
    except IntegrityError:
        # Another request stored this UUID between our look-up and our insert: decide against what it stored.
        existing = _stored(uuid)
        if existing is None:
            raise
        return _replay_or_conflict(existing, mission, submission.content_hash)
    return submission, True


def _changes(old: dict, new: dict) -> dict:
    """Question code (or header field) -> [old, new] for everything that differs."""
    changes: dict = {}
    old_answers, new_answers = old.get("answers", {}), new.get("answers", {})
    for code in list(old_answers) + [c for c in new_answers if c not in old_answers]:
        if old_answers.get(code) != new_answers.get(code):
            changes[code] = [old_answers.get(code), new_answers.get(code)]
    for key in ("polling_station", "tec", "team", "arrival_time", "departure_time", "urgent", "notes", "confidential"):
        if old.get(key) != new.get(key):
            changes[key] = [old.get(key), new.get(key)]
    return changes


def submission_correct(*, user, submission: Submission, payload: dict) -> Submission:
    """Replace a form's content with a corrected version, keeping every version as a revision.

    The submitting team or a coordinator may correct until coordinators lock the phase; resending the current
    content changes nothing.
    """
    mission = submission.mission
    actor = actor_for(user, mission)
    if actor is None:
        raise PermissionDenied(_("You are not a member of this mission."))
    if not actor.is_coordinator and (actor.team_id is None or actor.team_id != submission.team_id):
        raise PermissionDenied("Only the team that submitted this form, or a coordinator, can correct it.")
    if _phase_locked(mission.pk, submission.kind):
        raise PermissionDenied(
            f"Coordinators have locked the {submission.get_kind_display().lower()} phase; "
            "this form can no longer be corrected."
        )
    template = submission.template
    questions = template_questions(template)
    form = _clean_form(template=template, payload=payload, questions=questions)
    if not form.team_given and submission.team_id is not None:
        form.team_id, form.team_given = submission.team_id, True  # a correction keeps the form's team
    place = _resolve_place(mission=mission, form=form, actor=actor)
    _authorise(actor, kind=template.kind, place=place)
    with transaction.atomic():
        current = Submission.objects.select_for_update().get(pk=submission.pk)
        if _phase_locked(mission.pk, current.kind):
            raise PermissionDenied(f"Coordinators have locked the {current.get_kind_display().lower()} phase.")
        old_payload = current.payload
        arrival, departure = _moments(form, mission, place)
        canonical = canonical_payload(form, place, arrival, departure)
        if content_hash(canonical) == current.content_hash:
            return current
        _apply(current, form=form, place=place, questions=questions, canonical=canonical)
        current.revision += 1
        current.status = SubmissionStatus.CORRECTED
        current.save()
        current.answers.all().delete()
        Answer.objects.bulk_create(_answer_rows(current, answer_values(questions, form.answers)))
        SubmissionRevision.objects.create(
            submission=current,
            revision=current.revision,
            payload=canonical,
            changes=_changes(old_payload, canonical),
            changed_by=user,
        )
    return current


# ---------------------------------------------------------------------------------------------------------------------
# Phase locks


def _coordinator(user, mission: Mission) -> Actor:
    actor = actor_for(user, mission)
    if actor is None or not actor.is_coordinator:
        raise PermissionDenied("Only coordinators lock and unlock phases.")
    return actor


@transaction.atomic
def phase_lock(*, mission: Mission, kind: str, user) -> PhaseLock:
    """Freeze a phase (form kind): its forms can no longer be corrected; locking twice changes nothing."""
    _coordinator(user, mission)
    if kind not in FormKind.values:
        raise ValidationError({"kind": [f"Unknown form kind {kind}."]})
    lock, created = PhaseLock.objects.get_or_create(mission=mission, kind=kind, defaults={"locked_by": user})
    if created:
        Submission.objects.filter(mission=mission, kind=kind).update(status=SubmissionStatus.LOCKED)
    return lock


@transaction.atomic
def phase_unlock(*, mission: Mission, kind: str, user) -> bool:
    """Reopen a phase for corrections; returns whether it was locked."""
    _coordinator(user, mission)
    deleted, _ = PhaseLock.objects.filter(mission=mission, kind=kind).delete()
    if deleted:
        forms = Submission.objects.filter(mission=mission, kind=kind, status=SubmissionStatus.LOCKED)
        forms.filter(revision__gt=1).update(status=SubmissionStatus.CORRECTED)
        forms.filter(revision=1).update(status=SubmissionStatus.SUBMITTED)
    return bool(deleted)
