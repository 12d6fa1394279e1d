"""Validation of a submitted payload against its checklist: every problem reported at once, by code."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from checklists.choices import (
    NOT_APPLICABLE,
    FormKind,
    QuestionType,
)
from checklists.models import FormTemplate, Question
from checklists.rules import is_shown, number_kinds
from checklists.selectors import template_questions
from config.parsing import parse_id

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
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")
# Dates of observation: also keeps date arithmetic away from the calendar's ends.
DATE_YEARS = (2000, 2100)
CLOCK_PATTERN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d)?$")


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


DECIMAL_PATTERN = re.compile(r"^-?\d{1,12}(\.\d{1,6})?$")


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


def _clean_date(value) -> datetime.date | None:
    """A plausible calendar date written YYYY-MM-DD, else None."""
    if not isinstance(value, str) or not DATE_PATTERN.match(value):
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return None
    return day if DATE_YEARS[0] <= day.year <= DATE_YEARS[1] else None


def _clean_week(value) -> tuple[str | None, str | None]:
    """A week as its Monday (YYYY-MM-DD); an ISO week (YYYY-Www) is accepted and turned into its Monday."""
    monday = None
    match = WEEK_PATTERN.match(value) if isinstance(value, str) else None
    if match:
        try:
            monday = datetime.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        except ValueError:
            monday = None
        if monday is not None and not DATE_YEARS[0] <= monday.year <= DATE_YEARS[1]:
            monday = None
    else:
        monday = _clean_date(value)
        if monday is not None and monday.weekday() != 0:
            return None, _("Give the week by the date of its Monday (%(monday)s for this day).") % {
                "monday": (monday - datetime.timedelta(days=monday.weekday())).isoformat()
            }
    if monday is None:
        return None, _("Enter a week as YYYY-Www, or the date of its Monday as YYYY-MM-DD.")
    return monday.isoformat(), None


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
    if kind == QuestionType.DECIMAL:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            return None, _("Enter a number.")
        text = str(value).strip()
        if not DECIMAL_PATTERN.match(text):
            return None, _("Enter a number.")
        return text, None
    if kind == QuestionType.NOTE:
        return None, None  # a note is read, not answered
    if kind == QuestionType.TIME:
        if not isinstance(value, str) or not TIME_PATTERN.match(value):
            return None, _("Enter a time as HH:MM.")
        return value, None
    if kind == QuestionType.DATE:
        day = _clean_date(value)
        if day is None:
            return None, _("Enter a date as YYYY-MM-DD.")
        return day.isoformat(), None
    if kind == QuestionType.WEEK:
        return _clean_week(value)
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
    kinds = number_kinds(questions)
    for question in questions:
        if not is_shown(question, answers, shown, kinds):
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
    if parse_id(value) is None:
        errors[name] = ["Expected an id."]
        return None
    return parse_id(value)


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
    elif not 2000 <= parsed.year <= 2100:
        # Also keeps time-zone arithmetic away from the calendar's ends, where it overflows.
        errors[name] = [f"{value[:40]} is not a plausible time of observation."]
        return None
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


def form_clean(*, template: FormTemplate, payload, questions: list[Question] | None = None) -> CleanForm:
    """Validate a whole payload; raises ValidationError listing every problem by field or question code."""
    if not isinstance(payload, dict):
        raise ValidationError({"payload": [_("The form must be sent as a JSON object.")]})
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
    choice values (multiple choice, in the order of the choices), an int, "HH:MM", a date "YYYY-MM-DD" (a week is
    the date of its Monday), a text, or None for blank.
    """
    return form_clean(template=template, payload=payload).answers
