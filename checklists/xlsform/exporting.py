"""Any checklist as an XLSForm workbook (survey, choices, settings) that ODK tools convert and validate.

Sections are groups; yes/no questions are select_one over shared lists; integer bounds are a `constraint`;
conditions are `relevant`; the checklist's data-quality rules are `calculate` rows named rule_<code> that compute
whether the rule holds (ODK keeps them as data, the way the product keeps a flag; a constraint would refuse the
form). Product details ODK has no column for travel in columns of their own (ODK ignores them): eom_critical,
eom_protocol_field, eom_type (a week, which XLSForm writes as a date), eom_kind.
"""

from __future__ import annotations

import io

from openpyxl import Workbook

from ..choices import QuestionType
from ..rules import condition_tree, parsed
from ..standard import YES_NO_LABELS
from .xpath import to_xpath

EN, RU = "English (en)", "Russian (ru)"
SURVEY_COLUMNS = [
    "type",
    "name",
    f"label::{EN}",
    f"label::{RU}",
    f"hint::{EN}",
    f"hint::{RU}",
    "required",
    "relevant",
    "constraint",
    "calculation",
    "eom_critical",
    "eom_protocol_field",
    "eom_type",
]
CHOICE_COLUMNS = ["list_name", "name", f"label::{EN}", f"label::{RU}"]
RULE_PREFIX = "rule_"
TYPE_OUT = {
    QuestionType.INTEGER: "integer",
    QuestionType.DECIMAL: "decimal",
    QuestionType.DATE: "date",
    QuestionType.WEEK: "date",
    QuestionType.TIME: "time",
    QuestionType.TEXT: "text",
    QuestionType.NOTE: "note",
}


def _bounds(question) -> str:
    parts = []
    if question.min_value is not None:
        parts.append(f". >= {question.min_value}")
    if question.max_value is not None:
        parts.append(f". <= {question.max_value}")
    return " and ".join(parts)


def xlsform_rows(template) -> dict[str, list[dict]]:
    """The three sheets of a checklist's XLSForm, as rows of column -> value."""
    questions = sorted(template.questions.all(), key=lambda q: (q.section.order, q.order, q.pk))
    multiple = {q.code for q in questions if q.type == QuestionType.MULTIPLE}
    survey: list[dict] = []
    choices: list[dict] = []
    lists_written: set[str] = set()
    by_section: dict[int, list] = {}
    for question in questions:
        by_section.setdefault(question.section_id, []).append(question)
    for number, section in enumerate(template.sections.order_by("order", "id"), start=1):
        survey.append(
            {
                "type": "begin_group",
                "name": f"section_{number}",
                f"label::{EN}": section.title,
                f"label::{RU}": section.title_ru,
            }
        )
        for question in by_section.get(section.pk, []):
            if question.type in (QuestionType.YES_NO, QuestionType.YES_NO_NA):
                list_name = question.type
                if list_name not in lists_written:
                    values = ["yes", "no"] + (["na"] if question.type == QuestionType.YES_NO_NA else [])
                    choices.extend(
                        {
                            "list_name": list_name,
                            "name": v,
                            f"label::{EN}": YES_NO_LABELS[v][0],
                            f"label::{RU}": YES_NO_LABELS[v][1],
                        }
                        for v in values
                    )
                    lists_written.add(list_name)
                kind = f"select_one {list_name}"
            elif question.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
                choices.extend(
                    {
                        "list_name": question.code,
                        "name": str(choice.get("value")),
                        f"label::{EN}": choice.get("label", ""),
                        f"label::{RU}": choice.get("label_ru", ""),
                    }
                    for choice in question.choices or []
                )
                verb = "select_one" if question.type == QuestionType.SINGLE else "select_multiple"
                kind = f"{verb} {question.code}"
            else:
                kind = TYPE_OUT[question.type]
            tree = condition_tree(question)
            survey.append(
                {
                    "type": kind,
                    "name": question.code,
                    f"label::{EN}": question.text,
                    f"label::{RU}": question.text_ru,
                    f"hint::{EN}": question.help_text,
                    f"hint::{RU}": question.help_text_ru,
                    "required": "yes" if question.required else "",
                    "relevant": to_xpath(tree, multiple=multiple) if tree else "",
                    "constraint": _bounds(question),
                    "eom_critical": " ".join(str(v) for v in question.critical_values or []),
                    "eom_protocol_field": question.protocol_field,
                    # XLSForm has no week question: a date there, a week here (stored as its Monday either way).
                    "eom_type": "week" if question.type == QuestionType.WEEK else "",
                }
            )
        survey.append({"type": "end_group"})
    for rule in template.rules.all().order_by("order", "id"):
        survey.append(
            {
                "type": "calculate",
                "name": f"{RULE_PREFIX}{rule.code}",
                f"label::{EN}": rule.message,
                f"label::{RU}": rule.message_ru,
                "calculation": to_xpath(parsed(rule.expression), multiple=multiple),
            }
        )
    settings = [
        {
            "form_title": template.title,
            "form_id": f"{template.mission.slug}_{template.kind}".replace("-", "_"),
            "version": str(template.version),
            "default_language": EN,
            "eom_kind": template.kind,
            "eom_title_ru": template.title_ru,
        }
    ]
    return {"survey": survey, "choices": choices, "settings": settings}


def _sheet(workbook: Workbook, name: str, rows: list[dict], columns: list[str]) -> None:
    sheet = workbook.create_sheet(name)
    for row in rows:
        for column in row:
            if column not in columns:
                columns.append(column)
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(column, "") or "" for column in columns])


def template_export_xlsform(*, template) -> bytes:
    """The checklist as an .xlsx XLSForm workbook."""
    sheets = xlsform_rows(template)
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, "survey", sheets["survey"], list(SURVEY_COLUMNS))
    _sheet(workbook, "choices", sheets["choices"], list(CHOICE_COLUMNS))
    _sheet(workbook, "settings", sheets["settings"], [])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
