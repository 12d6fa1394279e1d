"""A compiled result shaped into rows for templates (page and PDF share them), worded in the reader's language."""

from __future__ import annotations

from functools import partial

from django.core.paginator import Paginator
from django.utils import numberformat
from django.utils.formats import get_format, localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from checklists.choices import Assessment
from jobs.notices import notice_text
from results.analysis import findings_written
from results.choices import FindingKind
from results.exports import SUMMARY_COLUMNS

from .compile import TURNOUT_CONVENTION
from .conflicts import CONFLICT_RULE
from .result import KIND_WORDS, MAX_PROBLEMS, ReportLabels, ReportResult, interval_text

LIST_PAGE_SIZE = 100  # rows per page of a list on the report page
PDF_LIST_ROWS = 200  # rows of a list printed in the PDF; the XLSX and the page hold them all
KIND_LABELS = KIND_WORDS
NO_FIGURE = mark_safe("–")  # a figure there is none of (a percentage of no observations, the mean of no answers)
WHERE_LIST = gettext_lazy("every one is in the XLSX (sheet %(sheet)s) and on the report page")


def snapshot_sentence(result: ReportResult) -> str:
    """The moment a result counts forms as of, as a sentence in the reader's language."""
    snapshot = result.snapshot
    if snapshot is None:
        return ""
    return _("Forms as received and corrected up to %(time)s local time (%(date)s, %(zone)s).") % {
        "time": snapshot.time,
        "date": snapshot.date,
        "zone": snapshot.time_zone,
    }


def listing(rows: list, *, name: str, page: int | str | None, pdf: bool, where: str, row=None) -> dict:
    """One list of the report, whole or a page of it, with how many are shown of how many and where the rest is.

    `row`, when given, turns an item of the list into the row shown, for the items shown only: a list can hold every
    urgent form of a mission (15,000 at a million forms), and a page shows LIST_PAGE_SIZE of them.
    """
    total = len(rows)
    if pdf:
        shown = rows[:PDF_LIST_ROWS]
        return {
            "name": name,
            "rows": [row(item) for item in shown] if row else shown,
            "total": total,
            "first": 1 if shown else 0,
            "last": len(shown),
            "complete": len(shown) == total,
            "where": where,
            "page": None,
        }
    paginator = Paginator(rows, LIST_PAGE_SIZE)
    current = paginator.get_page(page)
    return {
        "name": name,
        "rows": [row(item) for item in current.object_list] if row else list(current.object_list),
        "total": total,
        "first": current.start_index(),
        "last": current.end_index(),
        "complete": paginator.num_pages <= 1,
        "where": where,
        "page": current,
    }


def _written_rows(listed: dict) -> dict:
    """A list of official results findings with the texts of the rows shown written out in the reader's language."""
    return {**listed, "rows": findings_written(listed["rows"])}


def _official_results(section: dict | None, *, pages: dict, pdf: bool) -> dict | None:
    """The official results section of a run: its summary overall and per region, findings by kind, and the list."""
    if not section:
        return None
    # The texts kept in the section are notices (or, in a run compiled before they were, sentences): written out
    # here in the reader's language.
    section = {
        **section,
        "method": notice_text(section.get("method")),
        "version": {**section["version"], "label": notice_text(section["version"].get("label"))},
    }
    summary_rows = [] if section.get("region") else [{"label": _("All regions"), **section["summary"]}]
    summary_rows += [{"label": row["name"], **row} for row in section["regions"]]
    return {
        "section": section,
        "summary_headers": [label for _key, label in SUMMARY_COLUMNS],
        "summary_rows": [
            {"label": row["label"], "cells": [row.get(key, 0) for key, _label in SUMMARY_COLUMNS]}
            for row in summary_rows
        ],
        "kinds": [(FindingKind(kind).label, count) for kind, count in section["kinds"].items() if count],
        "findings": _written_rows(
            listing(
                section["findings"],
                name="official",
                page=pages.get("official"),
                pdf=pdf,
                where=_("every one is in the XLSX (sheet Official results findings) and on the report page"),
            )
        ),
    }


class FigureTexts:
    """Figures as a template writes them, written once in Python for the tables that hold thousands (every question
    by region and by area): a number as `{{ value }}` writes it, Django's `localize` in the reader's format, escaped
    (`numberformat.format` given the active language's separators, read and escaped once rather than for each
    figure: a number's digits and sign need no escaping); `figure` writes NO_FIGURE for a figure there is none of, as
    `|default_if_none:"–"` does. One object serves one reading of a result in the language active when it is made;
    each distinct figure is written once.
    """

    def __init__(self):
        language = get_language()
        self._format = partial(
            numberformat.format,
            decimal_sep=escape(get_format("DECIMAL_SEPARATOR", language, use_l10n=True)),
            grouping=get_format("NUMBER_GROUPING", language, use_l10n=True),
            thousand_sep=escape(get_format("THOUSAND_SEPARATOR", language, use_l10n=True)),
            use_l10n=True,
        )
        self._texts: dict = {}

    def number(self, value) -> str:
        """`value` as `{{ value }}` writes it: an integer or a float in the reader's number format (what `localize`
        does with one), anything else (None, a Decimal) by `localize` itself."""
        kind = value.__class__
        if kind is float and not value:  # 0.0 and -0.0 are equal keys but are written differently
            return SafeString(self._format(value))
        key = (kind, value)
        text = self._texts.get(key)
        if text is None:
            if kind is int or kind is float:
                text = SafeString(self._format(value))
            else:
                text = conditional_escape(localize(value))
            self._texts[key] = text
        return text

    def figure(self, value) -> str:
        return NO_FIGURE if value is None else self.number(value)

    def range(self, cell) -> str:
        """The smallest and largest integer answer of a cell, "12–90", or NO_FIGURE without any."""
        if cell.min is None:
            return NO_FIGURE
        return SafeString(f"{self.number(cell.min)}–{self.number(cell.max)}")


def _question_rows(
    kind: str, question, *, labels: ReportLabels, region_codes: list[str], names: dict, texts: FigureTexts
) -> dict:
    """One question: its text, answer rows with labels, and the breakdown by region (in name order) and by area, with
    every figure shown written out (`texts`)."""
    columns = [(names.get(code, code), question.by_region.get(code)) for code in region_codes]
    columns += [(labels.area(code), cell) for code, cell in question.by_area.items()]
    values = question.values or []
    value_rows = [
        {
            "value": value,
            "label": labels.answer(kind, question.code, value.value, value.label),
            "ci": interval_text(value),
            "count": texts.number(value.count),
            "pct": texts.figure(value.pct),
        }
        for value in values
    ]
    # The breakdown has regions (in name order) and areas as rows and the answers as columns, so that a mission of
    # twenty regions reads down the page rather than sideways. Each answer's cell is (count, percentage), or None
    # where nobody in the group gave it.
    integer = question.integer
    breakdown = []
    for label, cell in columns:
        if cell is None or not cell.n:
            continue
        row = {"label": label, "cell": cell, "n": texts.number(cell.n)}
        if integer:
            row.update(sum=texts.number(cell.sum), mean=texts.figure(cell.mean), range=texts.range(cell))
        else:
            found = {value.value: value for value in cell.values or []}
            row["cells"] = [
                (texts.number(share.count), texts.figure(share.pct)) if share is not None else None
                for share in (found.get(value.value) for value in values)
            ]
        breakdown.append(row)
    figures = {"n": texts.number(question.n), "na": texts.number(question.na), "blank": texts.number(question.blank)}
    if integer:
        figures.update(
            sum=texts.number(question.sum),
            mean=texts.figure(question.mean),
            median=texts.figure(question.median),
            range=texts.range(question),
        )
    return {
        "question": question,
        "code": question.code,
        "text": labels.question(kind, question.code),
        "figures": figures,
        "value_rows": value_rows,
        "breakdown": breakdown,
        "critical_ci": interval_text(question.critical),
    }


def _kind_tables(
    kind: str, data, *, result: ReportResult, labels: ReportLabels, names: dict, texts: FigureTexts
) -> dict:
    assessment = data.assessment

    def assessment_row(label, cell):
        return {
            "label": label,
            "n": cell.n,
            "cells": [(cell.counts[value.value], cell.pct[value.value]) for value in Assessment],
            "negative": cell.negative,
            "negative_ci": interval_text(cell.negative),
        }

    assessment_rows = [assessment_row(_("All"), assessment)]
    assessment_rows += [
        assessment_row(names.get(code, code), assessment.by_region[code])
        for code in result.region_order(assessment.by_region)
    ]
    assessment_rows += [assessment_row(labels.area(code), cell) for code, cell in assessment.by_area.items()]
    region_codes = [region.code for region in result.regions]
    questions = [
        _question_rows(kind, question, labels=labels, region_codes=region_codes, names=names, texts=texts)
        for question in data.questions
    ]
    return {
        "kind": kind,
        "label": labels.kind(kind),
        "data": data,
        "assessment_headers": [value.label for value in Assessment],
        "assessment_rows": assessment_rows,
        "questions": questions,
        "integers": [item for item in questions if item["question"].integer],
    }


def _conflict_row(conflict, *, labels: ReportLabels, names: dict) -> dict:
    return {
        "conflict": conflict,
        "kind": conflict.kind,
        "station_id": conflict.station_id,
        "station": conflict.station,
        "forms": conflict.forms,
        "decision": conflict.decision,
        "key": f"{conflict.kind}:{conflict.station_id}",
        "kind_label": labels.kind(conflict.kind),
        "region_name": names.get(conflict.region, conflict.region),
        "rows": [
            {
                "line": line,
                "text": labels.question(conflict.kind, line.code),
                "cells": [line.values.get(str(form.submission), "") for form in conflict.forms],
            }
            for line in conflict.lines
        ],
    }


def _incident_row(row, *, labels: ReportLabels, names: dict) -> dict:
    return {
        **vars(row),
        "region_name": names.get(row.region, row.region),
        "kind_label": labels.kind(row.kind),
        "critical_answers": [
            {
                "answer": answer,
                "text": labels.question(row.kind, answer.code),
                "label": labels.answer(row.kind, answer.code, answer.value),
            }
            for answer in row.critical_answers
        ],
    }


def _protocol_row(row, *, labels: ReportLabels, names: dict) -> dict:
    return {
        **vars(row),
        "region_name": names.get(row.region, row.region),
        "kind_label": labels.kind(row.kind),
        "issues": labels.issues(row),
    }


def report_tables(result: ReportResult, labels: ReportLabels, *, pages: dict | None = None, pdf: bool = False) -> dict:
    """Rows for every table of the report: coverage, assessment, questions by region and by area, incidents.

    Lists (incidents, protocol mismatches, conflicts) are whole: the page shows them page by page (`pages` maps a
    list's name to the page asked for), the PDF its first PDF_LIST_ROWS, each saying "N of M shown" and where the
    rest is.
    """
    pages = pages or {}
    names = labels.region_names()
    coverage = result.coverage
    texts = FigureTexts()
    kinds = [
        _kind_tables(kind, data, result=result, labels=labels, names=names, texts=texts)
        for kind, data in result.kinds.items()
    ]
    return {
        "snapshot": snapshot_sentence(result),
        "coverage_rows": [
            {"label": names.get(code, code), **vars(coverage.by_region[code])}
            for code in result.region_order(coverage.by_region)
        ]
        + [{"label": labels.area(code), **vars(cell)} for code, cell in coverage.by_area.items()],
        "kinds": kinds,
        "problems": [
            {
                "kind": labels.kind(kind),
                "question": question,
                "text": labels.question(kind, question.code),
                "ci": interval_text(question.critical),
            }
            for kind, question in result.main_problems()
        ],
        "problems_total": len(result.questions_with_critical_answers()),
        "problems_limit": MAX_PROBLEMS,
        "incidents": listing(
            result.incidents.list,
            name="incidents",
            page=pages.get("incidents"),
            pdf=pdf,
            where=WHERE_LIST % {"sheet": _("Incidents")},
            row=partial(_incident_row, labels=labels, names=names),
        ),
        "protocol": listing(
            result.protocol.list,
            name="protocol",
            page=pages.get("protocol"),
            pdf=pdf,
            where=WHERE_LIST % {"sheet": _("Protocol mismatches")},
            row=partial(_protocol_row, labels=labels, names=names),
        ),
        "conflicts": listing(
            result.conflicts.list,
            name="conflicts",
            page=pages.get("conflicts"),
            pdf=pdf,
            where=WHERE_LIST % {"sheet": _("Conflicts")},
            row=partial(_conflict_row, labels=labels, names=names),
        ),
        "conflict_rule": str(CONFLICT_RULE),
        "turnout_convention": str(TURNOUT_CONVENTION),
        "official": _official_results(result.official_results, pages=pages, pdf=pdf),
        "turnout_rows": [
            {"label": names.get(code, code), **vars(result.turnout.by_region[code])}
            for code in result.region_order(result.turnout.by_region)
        ],
        "kind_labels": {kind: labels.kind(kind) for kind in KIND_LABELS},
    }
