"""Exports of a compiled run: XLSX (streaming writers), CSV raw data and a PDF report.

Raw data holds every answer as typed, free text and notes included, with team codes and places; no names or other
personal data, no confidential records (they never enter a compilation).

Formulas: an XLSX string cell is written as a string, never a formula, so text stays as typed. A CSV cell has no
type: a spreadsheet opening the file runs text that starts a cell with = + - @ (or a tab or carriage return before
one). Every CSV text cell is quoted, so a reader splitting on either "," or ";" keeps it whole, and wherever a piece
of it could still start a cell (its start, or just after a "," or ";" for a reader that ignores quotes) an
apostrophe goes before that piece.
"""

from __future__ import annotations

import base64
import functools
import logging
from collections.abc import Iterator

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from checklists.choices import Assessment
from missions.clock import local_moment
from results.reporting import official_results_sheets

from .compile import TURNOUT_CONVENTION
from .conflicts import CONFLICT_RULE
from .raw_csv import RAW_FIELDS, neutralise, raw_codes, raw_rows, write_csv
from .raw_xlsx import workbook_save
from .result import ANSWER_WORDS, ReportLabels, ReportResult, interval_text

# WeasyPrint narrates every layout step at INFO; keep worker logs for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

__all__ = ["RAW_FIELDS", "neutralise", "raw_codes", "raw_rows", "write_csv", "write_pdf", "write_xlsx"]


def _text_cells(sheet, row: list) -> list:
    """An XLSX row whose text is stored as text: openpyxl would otherwise write "=..." as a formula."""
    out = []
    for value in row:
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            out.append(cell)
        else:
            out.append(value)
    return out


def _per_region(by_region: dict, regions: list[str], name: str, default=None) -> list:
    """One figure of a question per region, each followed by an empty percentage cell."""
    found = (getattr(by_region[code], name) if code in by_region else default for code in regions)
    return [cell for value in found for cell in (value, "")]


def _kind_rows(result: ReportResult, labels: ReportLabels, kind: str) -> Iterator[list]:
    """Per-question counts and percentages, overall and per region, for one kind's sheet."""
    names = labels.region_names()
    regions = [region.code for region in result.regions]
    count, pct = _("count"), "%"
    yield [_("Question"), _("Answer"), f"{_('All')}: {count}", f"{_('All')}: %"] + [
        f"{names.get(code, code)}: {label}" for code in regions for label in (count, pct)
    ]
    for question in result.kinds[kind].questions:
        by_region = question.by_region
        per_region = functools.partial(_per_region, by_region, regions)
        yield [f"{question.code}: {labels.question(kind, question.code)}"]
        yield ["", _("n (answered)"), question.n, ""] + per_region("n", 0)
        for value in question.values or []:
            region_cells = []
            for code in regions:
                found = by_region[code].value(value.value) if code in by_region else None
                region_cells += [found.count, found.pct] if found else [0, None]
            label = labels.answer(kind, question.code, value.value, value.label)
            yield ["", label, value.count, value.pct] + region_cells
        if question.integer:
            for label, name in ((_("sum"), "sum"), (_("mean"), "mean"), (_("minimum"), "min"), (_("maximum"), "max")):
                yield ["", label, getattr(question, name), ""] + per_region(name)
            yield ["", _("median"), question.median, ""]
        yield ["", _("not applicable"), question.na, ""] + per_region("na", 0)
        yield ["", _("blank"), question.blank, ""] + per_region("blank", 0)


def summary_rows(result: ReportResult, labels: ReportLabels, run) -> Iterator[list]:
    """The summary sheet: what was compiled, coverage, and the overall assessment per kind."""
    from .presentation import snapshot_sentence

    names = labels.region_names()
    region = result.filters.region
    yield [_("Mission"), result.mission.name]
    yield [_("Report run"), run.pk]
    yield [_("Form kinds"), ", ".join(labels.kind(kind) for kind in result.filters.kinds)]
    yield [_("Region"), names.get(region, "") if region else _("All")]
    yield [_("Snapshot"), snapshot_sentence(result)]
    yield [_("Forms received and corrected up to (UTC)"), result.filters.cutoff or ""]
    yield []
    yield [_("Observations"), _("Kind"), _("Count"), _("Distinct stations"), _("Distinct TECs")]
    for kind, data in result.kinds.items():
        yield ["", labels.kind(kind), data.observations, data.stations, data.tecs]
    coverage = result.coverage
    yield ["", _("Total"), coverage.observations_total, coverage.stations.observed]
    yield []
    yield [_("Coverage"), _("Region"), _("Stations observed"), _("Stations"), "%"]
    for code in result.region_order(coverage.by_region):
        cell = coverage.by_region[code]
        yield ["", names.get(code, code), cell.observed, cell.stations, cell.pct]
    yield ["", _("All"), coverage.stations.observed, coverage.stations.stations, coverage.stations.pct]
    yield []
    yield (
        [_("Overall assessment"), _("Kind"), "n"]
        + [str(value.label) for value in Assessment]
        + [
            _("Negative"),
            _("Negative %"),
            _("95% CI"),
        ]
    )
    for kind, data in result.kinds.items():
        assessment = data.assessment
        negative = assessment.negative
        yield (
            ["", labels.kind(kind), assessment.n]
            + [assessment.counts[value.value] for value in Assessment]
            + [
                negative.count,
                negative.pct,
                interval_text(negative),
            ]
        )
    turnout = result.turnout
    yield []
    yield [
        _("Turnout at visits"),
        _("Forms counted (n)"),
        turnout.forms,
        _("Voted"),
        turnout.voters_voted,
        _("On list"),
        turnout.voters_on_list,
        "%",
        turnout.pct,
        _("Forms with 0 on the list"),
        turnout.on_list_zero,
        _("Forms lacking a figure"),
        turnout.incomplete,
    ]
    yield ["", str(TURNOUT_CONVENTION)]
    protocol = result.protocol
    yield [_("Protocol mismatches"), protocol.mismatches, _("of counting forms"), protocol.counting_forms]
    for code, count in protocol.by_rule.items():
        yield [_("Forms flagged by data-quality rule"), code, _("forms"), count]
    yield [_("Urgent incidents"), result.incidents.urgent, _("Critical answers"), result.incidents.critical]
    conflicts = result.conflicts
    yield [
        _("Conflicts between teams"),
        conflicts.count,
        _("decided"),
        conflicts.decided,
        _("forms no longer counted"),
        conflicts.forms_not_counted,
    ]
    yield ["", str(CONFLICT_RULE)]


def _yes_no(flag: bool) -> str:
    return str(ANSWER_WORDS["yes"] if flag else ANSWER_WORDS["no"])


def _form_headers() -> list:
    """The first columns of a list of flagged forms: when, which form, its kind, its team and its region."""
    return [_("Received"), _("Form"), _("Kind"), _("Team"), _("Region")]


def _form_cells(row, result: ReportResult, labels: ReportLabels, names: dict) -> list:
    """The cells under _form_headers() for one flagged form, received time on the mission's clock with its zone."""
    return [
        local_moment(row.received_at, result.mission, with_zone=True),
        row.submission,
        labels.kind(row.kind),
        row.team,
        names.get(row.region, row.region),
    ]


def incident_rows(result: ReportResult, labels: ReportLabels) -> Iterator[list]:
    """Every urgent or critical form of the snapshot (never capped), newest first."""
    names = labels.region_names()
    yield [
        *_form_headers(),
        _("Polling station"),
        _("Urgent"),
        _("Critical answers"),
        _("Notes"),
    ]
    for row in result.incidents.list:
        yield [
            *_form_cells(row, result, labels, names),
            row.station,
            _yes_no(row.urgent),
            "; ".join(
                f"{labels.question(row.kind, answer.code)}: {labels.answer(row.kind, answer.code, answer.value)}"
                for answer in row.critical_answers
            ),
            row.notes,
        ]


def protocol_rows(result: ReportResult, labels: ReportLabels) -> Iterator[list]:
    """Every form with a protocol arithmetic mismatch (never capped), oldest first."""
    names = labels.region_names()
    yield [*_form_headers(), _("TEC"), _("Polling station"), _("Issues")]
    for row in result.protocol.list:
        yield [
            *_form_cells(row, result, labels, names),
            row.tec,
            row.station,
            "; ".join(labels.issues(row)),
        ]


def conflict_rows(result: ReportResult, labels: ReportLabels) -> Iterator[list]:
    """Every conflict between teams: one row per differing line and form, with the decision the run applied."""
    names = labels.region_names()
    yield [_("How conflicts are counted"), str(CONFLICT_RULE)]
    yield [
        _("Kind"),
        _("Region"),
        _("Polling station"),
        _("Line"),
        _("Question"),
        _("Form"),
        _("Team"),
        _("Received"),
        _("Answer"),
        _("Decision"),
    ]
    for conflict in result.conflicts.list:
        decision = conflict.decision
        if decision is None:
            decided = _("not decided")
        elif decision["decision"] == "both_stand":
            decided = _("both stand")
        else:
            decided = _("form %(form)s is right") % {"form": decision["right_form"]}
        for line in conflict.lines:
            for form in conflict.forms:
                yield [
                    labels.kind(conflict.kind),
                    names.get(conflict.region, conflict.region),
                    conflict.station,
                    line.code,
                    labels.question(conflict.kind, line.code),
                    form.submission,
                    form.team,
                    local_moment(form.received_at, result.mission, with_zone=True),
                    line.values.get(str(form.submission), ""),
                    decided,
                ]


def write_xlsx(*, path, run, result: ReportResult, labels: ReportLabels, region=None) -> int:
    """Write the workbook with the streaming (write-only) writer, worded in the active language; returns the number
    of raw rows."""
    workbook = Workbook(write_only=True)
    sheets = [(_("Summary"), summary_rows(result, labels, run))]
    for kind in result.kinds:
        sheets.append((labels.kind(kind)[:31], _kind_rows(result, labels, kind)))
    sheets.append((_("Incidents"), incident_rows(result, labels)))
    sheets.append((_("Protocol mismatches"), protocol_rows(result, labels)))
    sheets.append((_("Conflicts"), conflict_rows(result, labels)))
    if result.official_results:
        sheets.extend(official_results_sheets(result.official_results))
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(_text_cells(sheet, row))
    # The raw sheet (one row per form) is most of the workbook: its rows are written as XML text (raw_xlsx).
    raw = workbook.create_sheet(_("Raw data"))
    rows = raw_rows(mission=run.mission, result=result, region=region)
    return workbook_save(workbook=workbook, sheet=raw, rows=rows, path=path) - 1


def write_pdf(*, path, run, result: ReportResult, labels: ReportLabels, charts: dict) -> None:
    """Render the report (tables and charts) to PDF with WeasyPrint, worded in the active language."""
    from weasyprint import HTML

    images = {
        name: "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode() for name, svg in charts.items()
    }
    from .presentation import report_tables

    context = {
        "run": run,
        "result": result,
        "tables": report_tables(result, labels, pdf=True),
        "chart_images": images,
    }
    html = render_to_string("reports/run_pdf.html", context)
    HTML(string=html).write_pdf(path)
