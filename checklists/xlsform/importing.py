"""A checklist from an XLSForm workbook: a new draft version, with every construct it cannot keep reported by row.

Kept: groups as sections (questions outside any group go to a first section), select_one, select_multiple,
integer, decimal, text, date, time and note; labels and hints in English and Russian (`label::English (en)`,
`label::Russian (ru)`, or a plain `label` in the form's default language); `required`; `relevant` as the question's
condition; `constraint` as a data-quality rule (integer bounds `. >= N and . <= M` as the question's bounds);
`calculate` rows named rule_<code> (what the export writes) as rules. Anything else - other types, repeats, nested
groups, other languages, columns the product has no place for - is listed with its row, never dropped silently.
An import that cannot make a checklist (a choice list that does not exist, an expression the product cannot
read) writes nothing and lists every error.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from missions.spreadsheets import MAX_COLUMNS, SpreadsheetError, _cell_text, _check_xlsx_archive

from ..choices import FormKind, QuestionType, TemplateStatus
from ..expressions import conjunction
from ..models import DataRule, FormTemplate, Question, Section
from ..rules import condition_errors, rule_errors
from .exporting import RULE_PREFIX
from .xpath import XPathError, from_xpath, single_in

MAX_SURVEY_ROWS = 2000
TYPES_IN = {
    "integer": QuestionType.INTEGER,
    "int": QuestionType.INTEGER,
    "decimal": QuestionType.DECIMAL,
    "text": QuestionType.TEXT,
    "string": QuestionType.TEXT,
    "date": QuestionType.DATE,
    "time": QuestionType.TIME,
    "note": QuestionType.NOTE,
}
# Survey columns read (by their name before "::"); others are reported once with the first row that uses them.
KNOWN_COLUMNS = {
    "type",
    "name",
    "label",
    "hint",
    "required",
    "relevant",
    "constraint",
    "constraint_message",
    "calculation",
    "eom_critical",
    "eom_protocol_field",
    "eom_type",
}
# Columns that change only how ODK shows a question: not kept, reported as such.
DISPLAY_COLUMNS = {"appearance", "media::image", "image", "audio", "video", "autoplay", "guidance_hint"}
_BOUND = re.compile(r"^\.\s*(>=|<=)\s*(-?\d{1,12})$")
_CODE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")


@dataclass
class XlsformImport:
    """What an XLSForm import made, and what it could not keep (each with its sheet and row)."""

    template: FormTemplate | None = None
    not_kept: list[str] = field(default_factory=list)

    def summary(self) -> str:
        kept = (
            _("%(template)s: %(questions)s questions in %(sections)s sections, %(rules)s data-quality rules")
            % {
                "template": self.template,
                "questions": self.template.questions.count(),
                "sections": self.template.sections.count(),
                "rules": self.template.rules.count(),
            }
            if self.template
            else _("Nothing imported")
        )
        return kept + (_("; %(n)s construct(s) not kept.") % {"n": len(self.not_kept)} if self.not_kept else ".")


def _language(suffix: str, default: str) -> str | None:
    """'en', 'ru' or None for a column's language ('label::English (en)' -> 'en'); a plain column is the default."""
    text = suffix.strip().lower()
    if not text:
        return default
    if text in ("en", "english") or text.endswith("(en)") or text.startswith("english"):
        return "en"
    if text in ("ru", "russian", "русский") or text.endswith("(ru)") or text.startswith("russian"):
        return "ru"
    return None


def _sheets(raw: bytes) -> dict[str, list[tuple[int, dict[str, str]]]]:
    from openpyxl import load_workbook

    _check_xlsx_archive(raw)
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise SpreadsheetError("unreadable", error=exc.__class__.__name__) from exc
    sheets: dict[str, list[tuple[int, dict[str, str]]]] = {}
    try:
        for sheet in workbook.worksheets:
            name = sheet.title.strip().lower()
            if name not in ("survey", "choices", "settings"):
                continue
            sheet.reset_dimensions()
            rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
            header = next(rows, None)
            if header is None:
                sheets[name] = []
                continue
            headers = [str(value or "").strip() for value in header]
            found = []
            for number, values in enumerate(rows, start=2):
                if number > MAX_SURVEY_ROWS + 1:
                    raise SpreadsheetError("checklists.sheet_too_many_rows", sheet=name, limit=MAX_SURVEY_ROWS)
                texts = [_cell_text(value) for value in values]
                if any(texts):
                    found.append((number, {h: texts[i] for i, h in enumerate(headers) if h and i < len(texts)}))
            sheets[name] = found
    except SpreadsheetError:
        raise
    except Exception as exc:  # a broken part of the workbook is the sender's file, not a server error
        raise SpreadsheetError("unreadable", error=exc.__class__.__name__) from exc
    finally:
        workbook.close()
    if "survey" not in sheets:
        raise SpreadsheetError("checklists.no_survey_sheet")
    return sheets


def _texts(row: dict[str, str], column: str, default: str) -> tuple[dict[str, str], list[str]]:
    """A column's text per language ({'en': ..., 'ru': ...}) and the other languages found in it."""
    texts: dict[str, str] = {}
    others: list[str] = []
    for header, value in row.items():
        base, _, suffix = header.partition("::")
        if base.strip().lower() != column or not value:
            continue
        language = _language(suffix, default)
        if language is None:
            others.append(suffix.strip())
        else:
            texts.setdefault(language, value)
    return texts, others


def _yes(value: str) -> bool:
    return value.strip().lower() in ("yes", "true", "true()", "1", "y")


@dataclass
class _Draft:
    sections: list[dict] = field(default_factory=list)
    rules: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    not_kept: list[str] = field(default_factory=list)


def _choice_lists(rows, default: str, draft: _Draft) -> dict[str, list[dict]]:
    lists: dict[str, list[dict]] = {}
    for number, row in rows:
        list_name = (row.get("list_name") or row.get("list name") or "").strip()
        value = (row.get("name") or row.get("value") or "").strip()
        where = _("choices row %(row)s") % {"row": number}
        if not list_name or not value:
            draft.errors.append(_("%(where)s: a choice needs a list_name and a name.") % {"where": where})
            continue
        labels, others = _texts(row, "label", default)
        for other in others:
            draft.not_kept.append(
                _("%(where)s: the label in %(language)s (the product keeps English and Russian).")
                % {"where": where, "language": other}
            )
        choice = {"value": value, "label": labels.get("en") or labels.get("ru") or value}
        if labels.get("ru"):
            choice["label_ru"] = labels["ru"]
        lists.setdefault(list_name, []).append(choice)
        for header, text in row.items():
            base = header.partition("::")[0].strip().lower()
            if text and base not in ("list_name", "list name", "name", "value", "label"):
                draft.not_kept.append(
                    _("%(where)s: the column %(column)s (only list_name, name and label).")
                    % {"where": where, "column": header}
                )
    return lists


def _read(sheets, default: str) -> _Draft:
    draft = _Draft()
    lists = _choice_lists(sheets.get("choices", []), default, draft)
    reported_columns: set[str] = set()
    depth = 0
    skipping_repeat = 0
    current: dict | None = None
    codes: set[str] = set()
    for number, row in sheets["survey"]:
        where = _("survey row %(row)s") % {"row": number}
        for header, value in row.items():
            base = header.partition("::")[0].strip().lower()
            if value and base not in KNOWN_COLUMNS and base not in reported_columns:
                reported_columns.add(base)
                message = (
                    _("%(where)s: the column %(column)s (how ODK shows a question; first used here).")
                    if base in DISPLAY_COLUMNS or header.lower() in DISPLAY_COLUMNS
                    else _("%(where)s: the column %(column)s (a column the product has no place for; first used here).")
                )
                draft.not_kept.append(message % {"where": where, "column": header})
        kind_text = " ".join((row.get("type") or "").split())
        kind_word = kind_text.split(" ")[0].lower() if kind_text else ""
        name = (row.get("name") or "").strip()
        if skipping_repeat:
            if kind_word in ("begin_repeat", "begin repeat"):
                skipping_repeat += 1
            elif kind_word in ("end_repeat", "end repeat"):
                skipping_repeat -= 1
            else:
                draft.not_kept.append(
                    _("%(where)s: %(name)s is inside a repeat, which is not kept.")
                    % {"where": where, "name": name or kind_text}
                )
            continue
        if not kind_word:
            if name:
                draft.errors.append(_("%(where)s: %(name)s has no type.") % {"where": where, "name": name})
            continue
        labels, other_labels = _texts(row, "label", default)
        hints, other_hints = _texts(row, "hint", default)
        for other in sorted(set(other_labels + other_hints)):
            draft.not_kept.append(
                _("%(where)s: the text in %(language)s (the product keeps English and Russian).")
                % {"where": where, "language": other}
            )
        if kind_word in ("begin_group", "begin group"):
            depth += 1
            if depth > 1:
                draft.not_kept.append(
                    _("%(where)s: the group %(name)s is inside another group; its questions join the outer section.")
                    % {"where": where, "name": name}
                )
                continue
            group_condition = ""
            if row.get("relevant"):
                try:
                    group_condition = from_xpath(row["relevant"])
                except XPathError as error:
                    draft.errors.append(
                        _("%(where)s: the relevant of group %(name)s: %(error)s.")
                        % {"where": where, "name": name, "error": error}
                    )
                else:
                    draft.not_kept.append(
                        _("%(where)s: the relevant of group %(name)s is kept as a condition of each of its questions.")
                        % {"where": where, "name": name}
                    )
            current = {
                "title": labels.get("en") or labels.get("ru") or name or "Section",
                "title_ru": labels.get("ru", ""),
                "questions": [],
                "condition": group_condition,
            }
            draft.sections.append(current)
            continue
        if kind_word in ("end_group", "end group"):
            depth = max(0, depth - 1)
            if depth == 0:
                current = None
            continue
        if kind_word in ("begin_repeat", "begin repeat"):
            skipping_repeat = 1
            draft.not_kept.append(
                _("%(where)s: the repeat %(name)s and its questions (a checklist asks each question once).")
                % {"where": where, "name": name}
            )
            continue
        if kind_word == "calculate":
            if name.startswith(RULE_PREFIX) and row.get("calculation"):
                code = name[len(RULE_PREFIX) :]
                try:
                    expression = from_xpath(row["calculation"])
                except XPathError as error:
                    draft.errors.append(
                        _("%(where)s: the rule %(code)s: %(error)s.") % {"where": where, "code": code, "error": error}
                    )
                    continue
                draft.rules.append(
                    {
                        "code": code,
                        "expression": expression,
                        "message": labels.get("en", ""),
                        "message_ru": labels.get("ru", ""),
                        "where": where,
                    }
                )
            else:
                draft.not_kept.append(
                    _("%(where)s: the calculation %(name)s (the product computes no fields).")
                    % {"where": where, "name": name}
                )
            continue
        if kind_word in (
            "select_one",
            "select_multiple",
            "select_one_from_file",
            "select_multiple_from_file",
        ) or kind_word.startswith(("select_one", "select_multiple")):
            parts = kind_text.split()
            if kind_word.endswith("_from_file") or len(parts) != 2:
                draft.not_kept.append(
                    _("%(where)s: the question %(name)s of type %(type)s (choices from a file or 'or_other').")
                    % {"where": where, "name": name, "type": kind_text}
                )
                continue
            list_name = parts[1]
            if list_name not in lists:
                draft.errors.append(
                    _("%(where)s: %(name)s uses the choice list %(list)s, which the choices sheet lacks.")
                    % {"where": where, "name": name, "list": list_name}
                )
                continue
            question_type, choices = _select_type(kind_word, lists[list_name])
        elif kind_word in TYPES_IN:
            question_type, choices = TYPES_IN[kind_word], []
            if question_type == QuestionType.DATE and (row.get("eom_type") or "").strip().lower() == "week":
                question_type = QuestionType.WEEK
        else:
            draft.not_kept.append(
                _("%(where)s: the question %(name)s of type %(type)s (the product has no such question).")
                % {"where": where, "name": name or _("(no name)"), "type": kind_text}
            )
            continue
        if not _CODE.match(name):
            draft.errors.append(
                _("%(where)s: %(name)s is not a usable question name (letters, digits, _ and -).")
                % {"where": where, "name": repr(name)}
            )
            continue
        if name in codes:
            draft.errors.append(_("%(where)s: the name %(name)s is used twice.") % {"where": where, "name": name})
            continue
        codes.add(name)
        question = {
            "code": name,
            "type": question_type,
            "text": (labels.get("en") or labels.get("ru") or name)[:400],
            "text_ru": labels.get("ru", "")[:400],
            "help_text": hints.get("en", "")[:400],
            "help_text_ru": hints.get("ru", "")[:400],
            "choices": choices,
            "required": _yes(row.get("required", "")) and question_type != QuestionType.NOTE,
            "min_value": None,
            "max_value": None,
            "shown_if_code": "",
            "shown_if_values": [],
            "condition": "",
            "critical_values": (row.get("eom_critical") or "").split(),
            "protocol_field": (row.get("eom_protocol_field") or "").strip()[:32],
        }
        if (
            row.get("required")
            and not _yes(row["required"])
            and row["required"].strip().lower() not in ("no", "false", "false()", "0", "n")
        ):
            draft.not_kept.append(
                _("%(where)s: required = %(value)s (only yes or no is kept).")
                % {"where": where, "value": row["required"]}
            )
        relevant = (row.get("relevant") or "").strip()
        if relevant:
            try:
                expression = from_xpath(relevant)
            except XPathError as error:
                draft.errors.append(
                    _("%(where)s: the relevant of %(name)s: %(error)s.")
                    % {"where": where, "name": name, "error": error}
                )
            else:
                simple = single_in(_parsed(expression))
                if simple:
                    question["shown_if_code"], question["shown_if_values"] = simple
                else:
                    question["condition"] = expression
        constraint = (row.get("constraint") or "").strip()
        if constraint:
            _constraint(question, constraint, row, default, where, draft)
        if current is None:
            current = {"title": "Questions", "title_ru": "Вопросы", "questions": [], "condition": ""}
            draft.sections.append(current)
        if current["condition"]:
            # A group's relevant holds for each of its questions (a section has no condition of its own).
            question["condition"] = conjunction([current["condition"], question["condition"]])
            simple = None if question["shown_if_code"] else single_in(_parsed(question["condition"]))
            if simple:
                question["shown_if_code"], question["shown_if_values"] = simple
                question["condition"] = ""
        current["questions"].append(question)
    return draft


def _parsed(text: str) -> list:
    from ..rules import parsed

    return parsed(text)


def _select_type(kind_word: str, choices: list[dict]) -> tuple[str, list[dict]]:
    values = [choice["value"] for choice in choices]
    if kind_word == "select_one" and values == ["yes", "no"]:
        return QuestionType.YES_NO, []
    if kind_word == "select_one" and values == ["yes", "no", "na"]:
        return QuestionType.YES_NO_NA, []
    return (QuestionType.SINGLE if kind_word == "select_one" else QuestionType.MULTIPLE), [dict(c) for c in choices]


def _constraint(question: dict, constraint: str, row: dict, default: str, where: str, draft: _Draft) -> None:
    """Integer bounds become the question's bounds; any other constraint a data-quality rule of the checklist."""
    if question["type"] == QuestionType.INTEGER:
        parts = [part.strip() for part in re.split(r"\band\b", constraint)]
        bounds = [_BOUND.match(part) for part in parts]
        if all(bounds) and len(bounds) <= 2 and len({match.group(1) for match in bounds}) == len(bounds):
            for match in bounds:
                question["min_value" if match.group(1) == ">=" else "max_value"] = int(match.group(2))
            return
    try:
        expression = from_xpath(constraint, current=question["code"])
    except XPathError as error:
        draft.errors.append(
            _("%(where)s: the constraint of %(code)s: %(error)s.")
            % {"where": where, "code": question["code"], "error": error}
        )
        return
    messages, others = _texts(row, "constraint_message", default)
    for other in others:
        draft.not_kept.append(
            _("%(where)s: the constraint message in %(language)s (the product keeps English and Russian).")
            % {"where": where, "language": other}
        )
    draft.rules.append(
        {
            "code": f"{question['code']}_check"[:64],
            "expression": expression,
            "message": messages.get("en", "")[:400],
            "message_ru": messages.get("ru", "")[:400],
            "where": where,
        }
    )
    draft.not_kept.append(
        _(
            "%(where)s: the constraint of %(code)s is kept as the data-quality rule %(rule)s: a form that breaks it "
            "is flagged, not refused."
        )
        % {"where": where, "code": question["code"], "rule": f"{question['code']}_check"}
    )


def _settings(sheets) -> dict[str, str]:
    rows = sheets.get("settings") or []
    return {key.strip().lower(): value for key, value in rows[0][1].items()} if rows else {}


@transaction.atomic
def template_import_xlsform(*, mission, raw: bytes, kind: str | None = None) -> XlsformImport:
    """Import an XLSForm workbook as the next draft version of a checklist kind of the mission.

    The kind is the argument, else the settings sheet's eom_kind. Raises ValidationError listing every error (by
    sheet and row) and writes nothing when the workbook cannot make a checklist; otherwise returns the draft and
    what was not kept. The draft is checked as on publishing; publishing it stays a separate, deliberate step.
    """
    try:
        sheets = _sheets(raw)
    except SpreadsheetError as error:
        raise ValidationError(str(error)) from error
    settings = _settings(sheets)
    kind = kind or settings.get("eom_kind", "")
    if kind not in FormKind.values:
        raise ValidationError(_("Say which checklist this is (%(kinds)s).") % {"kinds": ", ".join(FormKind.values)})
    default = _language(settings.get("default_language", ""), "en") or "en"
    draft = _read(sheets, default)
    if not any(section["questions"] for section in draft.sections):
        draft.errors.append(_("survey: the form has no question the product can keep."))
    if draft.errors:
        raise ValidationError(draft.errors)
    if FormTemplate.objects.filter(mission=mission, kind=kind, status=TemplateStatus.DRAFT).exists():
        raise ValidationError(
            _("A draft of the %(kind)s checklist already exists; publish or delete it first.")
            % {"kind": FormKind(kind).label}
        )
    latest = (
        FormTemplate.objects.filter(mission=mission, kind=kind)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    template = FormTemplate.objects.create(
        mission=mission,
        kind=kind,
        version=(latest or 0) + 1,
        status=TemplateStatus.DRAFT,
        title=(settings.get("form_title") or FormKind(kind).label)[:200],
        title_ru=(settings.get("eom_title_ru") or "")[:200],
    )
    questions = []
    for order, spec in enumerate((s for s in draft.sections if s["questions"]), start=1):
        section = Section.objects.create(
            template=template, order=order, title=spec["title"][:200], title_ru=spec["title_ru"][:200]
        )
        questions.extend(
            Question(template=template, section=section, order=number, **fields)
            for number, fields in enumerate(spec["questions"], start=1)
        )
    Question.objects.bulk_create(questions)
    codes_seen: set[str] = set()
    rules = []
    for order, spec in enumerate(draft.rules, start=1):
        code = spec["code"]
        if code in codes_seen or not _CODE.match(code):
            raise ValidationError(
                _("%(where)s: the rule name %(code)s is not usable or used twice.")
                % {"where": spec["where"], "code": code}
            )
        codes_seen.add(code)
        rules.append(
            DataRule(
                template=template,
                order=order,
                code=code,
                expression=spec["expression"],
                message=spec["message"],
                message_ru=spec["message_ru"],
            )
        )
    DataRule.objects.bulk_create(rules)
    ordered = list(template.questions.select_related("section").order_by("section__order", "order", "id"))
    problems = condition_errors(ordered) + rule_errors(rules, ordered)
    if problems:
        raise ValidationError(problems)
    return XlsformImport(template=template, not_kept=draft.not_kept)
