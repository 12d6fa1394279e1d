"""Exports of a compiled run: XLSX (streaming writer), CSV raw data and a PDF report.

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
import logging
import re
from collections.abc import Iterator

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from checklists.choices import OVERALL_ASSESSMENT_CODE, FormKind
from results.reporting import official_results_sheets
from submissions.models import RevisionAnswer, SubmissionRevision

from .charts import region_names
from .compile import forms_as_of
from .presentation import answer_label
from .raw_csv import write_csv

# WeasyPrint narrates every layout step at INFO; keep worker logs for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

CHUNK = 2000
RAW_FIELDS = [
    "form",
    "kind",
    "version",
    "team",
    "region",
    "tec",
    "polling_station",
    "area_type",
    "arrival_time",
    "received_at",
    "urgent",
    "critical",
    "protocol_mismatch",
    "notes",
    OVERALL_ASSESSMENT_CODE,
]
KIND_LABELS = dict(FormKind.choices)
__all__ = ["RAW_FIELDS", "neutralise", "raw_codes", "raw_rows", "write_csv", "write_pdf", "write_xlsx"]


# The start of the text, or just after a separator either kind of spreadsheet splits on, then optional blanks,
# then a character that makes a spreadsheet read a formula.
FORMULA_START = re.compile(r"(^|[,;])([ \t\r\n]*[=+\-@])")


def neutralise(value):
    """A CSV cell's text with an apostrophe before every piece a spreadsheet would run as a formula."""
    if isinstance(value, str) and value:
        return FORMULA_START.sub(r"\1'\2", value)
    return value


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


def raw_codes(result: dict) -> list[str]:
    """Question codes of the raw-data columns: every question of the compiled kinds, free text included."""
    codes: list[str] = []
    for data in result["kinds"].values():
        for question in data["questions"]:
            if question["code"] not in codes:
                codes.append(question["code"])
    return codes


def raw_rows(*, mission, result: dict, region=None) -> Iterator[list]:
    """The header, then one row per form as it stood at the result's snapshot, read in chunks so memory stays flat.

    Values are as typed (text not neutralised): each writer makes them safe for its format.
    """
    from django.utils.dateparse import parse_datetime

    codes = raw_codes(result)
    at = parse_datetime(result["filters"]["cutoff"])
    condition = forms_as_of(mission=mission, kinds=result["filters"]["kinds"], region=region, at=at)
    yield RAW_FIELDS + codes
    column = {code: index for index, code in enumerate(codes)}
    last_id = 0
    while True:
        chunk = list(
            SubmissionRevision.objects.filter(condition, submission_id__gt=last_id)
            .order_by("submission_id")
            .values_list(
                "submission_id",
                "kind",
                "submission__template__version",
                "team__code",
                "region__code",
                "tec__code",
                "polling_station__number",
                "area_type",
                "arrival_time",
                "received_at",
                "urgent",
                "has_critical",
                "protocol_mismatch",
                "notes",
                "overall_assessment",
                "id",
            )[:CHUNK]
        )
        if not chunk:
            return
        last_id = chunk[-1][0]
        form_of = {row[-1]: row[0] for row in chunk}
        # One bounded query per chunk (CHUNK forms x their answers); answers placed by column index.
        width = len(codes)
        answers: dict[int, list] = {}
        for revision_id, code, value, number, text in (
            RevisionAnswer.objects.filter(revision_id__in=list(form_of), question_code__in=codes)
            .order_by("revision_id", "question_code", "value")
            .values_list("revision_id", "question_code", "value", "number", "text")
        ):
            submission_id = form_of[revision_id]
            slots = answers.get(submission_id)
            if slots is None:
                slots = answers[submission_id] = [None] * width
            # A text answer's full text (its value keeps only the opening characters).
            given = number if number is not None else (text or value)
            if given is None:
                continue
            index = column[code]
            if slots[index] is None:
                slots[index] = given
            else:  # multiple choice: one row per chosen value, joined with ";" (sorted by the query)
                slots[index] = f"{slots[index]};{given}"
        empty = [None] * width
        for row in chunk:
            cells = [
                row[0],
                row[1],
                row[2],
                row[3] or "",
                row[4] or "",
                row[5] or "",
                row[6] or "",
                row[7],
                row[8].isoformat() if row[8] else "",
                row[9].isoformat(),
                "yes" if row[10] else "no",
                "yes" if row[11] else "no",
                "yes" if row[12] else "no",
                row[13],
                row[14],
                *answers.get(row[0], empty),
            ]
            yield ["" if cell is None else cell for cell in cells]


def _kind_rows(result: dict, kind: str) -> Iterator[list]:
    """Per-question counts and percentages, overall and per region, for one kind's sheet."""
    names = region_names(result)
    regions = [region["code"] for region in result["regions"]]
    yield ["Question", "Answer", "All: count", "All: %"] + [
        f"{names.get(code, code)}: {label}" for code in regions for label in ("count", "%")
    ]
    for question in result["kinds"][kind]["questions"]:
        by_region = question["by_region"]
        yield [f"{question['code']}: {question['text']}"]
        yield ["", "n (answered)", question["n"], ""] + [
            cell for code in regions for cell in (by_region.get(code, {}).get("n", 0), "")
        ]
        for value in question.get("values", []):
            region_cells = []
            for code in regions:
                found = next(
                    (v for v in by_region.get(code, {}).get("values", []) if v["value"] == value["value"]), None
                )
                region_cells += [found["count"], found["pct"]] if found else [0, None]
            yield ["", str(answer_label(value["value"], value["label"])), value["count"], value["pct"]] + region_cells
        if "sum" in question:
            for label, name in (("sum", "sum"), ("mean", "mean"), ("minimum", "min"), ("maximum", "max")):
                yield ["", label, question[name], ""] + [
                    cell for code in regions for cell in (by_region.get(code, {}).get(name), "")
                ]
            yield ["", "median", question.get("median"), ""]
        yield ["", "not applicable", question["na"], ""] + [
            cell for code in regions for cell in (by_region.get(code, {}).get("na", 0), "")
        ]
        yield ["", "blank", question["blank"], ""] + [
            cell for code in regions for cell in (by_region.get(code, {}).get("blank", 0), "")
        ]


def summary_rows(result: dict, run) -> Iterator[list]:
    """The summary sheet: what was compiled, coverage, and the overall assessment per kind."""
    names = region_names(result)
    yield ["Mission", result["mission"]["name"]]
    yield ["Report run", run.pk]
    yield ["Form kinds", ", ".join(str(KIND_LABELS.get(kind, kind)) for kind in result["filters"]["kinds"])]
    yield ["Region", names.get(result["filters"]["region"] or "", "") if result["filters"]["region"] else "All"]
    yield ["Snapshot", (result.get("snapshot") or {}).get("label", "")]
    yield ["Forms received and corrected up to (UTC)", result["filters"]["cutoff"] or ""]
    yield []
    yield ["Observations", "Kind", "Count", "Distinct stations", "Distinct TECs"]
    for kind, data in result["kinds"].items():
        yield ["", str(KIND_LABELS.get(kind, kind)), data["observations"], data["stations"], data.get("tecs")]
    coverage = result["coverage"]
    yield ["", "Total", coverage["observations_total"], coverage["stations"]["observed"]]
    yield []
    yield ["Coverage", "Region", "Stations observed", "Stations", "%"]
    for code, cell in coverage["by_region"].items():
        yield ["", names.get(code, code), cell["observed"], cell["stations"], cell["pct"]]
    yield ["", "All", coverage["stations"]["observed"], coverage["stations"]["stations"], coverage["stations"]["pct"]]
    yield []
    yield [
        "Overall assessment",
        "Kind",
        "n",
        "Very good",
        "Good",
        "Bad",
        "Very bad",
        "Negative",
        "Negative %",
        "95% CI",
    ]
    for kind, data in result["kinds"].items():
        assessment = data["assessment"]
        counts = assessment["counts"]
        negative = assessment["negative"]
        yield [
            "",
            str(KIND_LABELS.get(kind, kind)),
            assessment["n"],
            counts["very_good"],
            counts["good"],
            counts["bad"],
            counts["very_bad"],
            negative["count"],
            negative["pct"],
            f"{negative['ci'][0]}–{negative['ci'][1]}" if negative["ci"] else "",
        ]
    turnout = result["turnout"]
    yield []
    yield [
        "Turnout at visits",
        "Forms counted (n)",
        turnout["forms"],
        "Voted",
        turnout["voters_voted"],
        "On list",
        turnout["voters_on_list"],
        "%",
        turnout["pct"],
        "Forms with 0 on the list",
        turnout.get("on_list_zero", 0),
        "Forms lacking a figure",
        turnout.get("incomplete", 0),
    ]
    yield ["", turnout.get("convention", "")]
    yield [
        "Protocol mismatches",
        result["protocol"]["mismatches"],
        "of counting forms",
        result["protocol"]["counting_forms"],
    ]
    for code, count in (result["protocol"].get("by_rule") or {}).items():
        yield ["Forms flagged by data-quality rule", code, "forms", count]
    yield ["Urgent incidents", result["incidents"]["urgent"], "Critical answers", result["incidents"]["critical"]]
    conflicts = result.get("conflicts") or {}
    yield [
        "Conflicts between teams",
        conflicts.get("count", 0),
        "decided",
        conflicts.get("decided", 0),
        "forms no longer counted",
        conflicts.get("forms_not_counted", 0),
    ]
    yield ["", conflicts.get("rule", "")]


def incident_rows(result: dict) -> Iterator[list]:
    """Every urgent or critical form of the snapshot (never capped), newest first."""
    names = region_names(result)
    yield ["Received", "Form", "Kind", "Team", "Region", "Polling station", "Urgent", "Critical answers", "Notes"]
    for row in result["incidents"]["list"]:
        yield [
            row["received_at"],
            row["submission"],
            str(KIND_LABELS.get(row["kind"], row["kind"])),
            row["team"],
            names.get(row["region"], row["region"]),
            row["station"],
            "yes" if row["urgent"] else "no",
            "; ".join(f"{answer['code']}={answer['value']}" for answer in row["critical_answers"]),
            row["notes"],
        ]


def protocol_rows(result: dict) -> Iterator[list]:
    """Every form with a protocol arithmetic mismatch (never capped), oldest first."""
    names = region_names(result)
    yield ["Received", "Form", "Kind", "Team", "Region", "TEC", "Polling station", "Issues"]
    for row in result["protocol"]["list"]:
        yield [
            row["received_at"],
            row["submission"],
            str(KIND_LABELS.get(row["kind"], row["kind"])),
            row["team"],
            names.get(row["region"], row["region"]),
            row.get("tec", ""),
            row["station"],
            "; ".join(row["issues"]),
        ]


def conflict_rows(result: dict) -> Iterator[list]:
    """Every conflict between teams: one row per differing line and form, with the decision the run applied."""
    names = region_names(result)
    conflicts = result.get("conflicts") or {}
    yield ["How conflicts are counted", conflicts.get("rule", "")]
    yield ["Kind", "Region", "Polling station", "Line", "Question", "Form", "Team", "Received", "Answer", "Decision"]
    for conflict in conflicts.get("list", []):
        decision = conflict["decision"]
        if decision is None:
            decided = "not decided"
        elif decision["decision"] == "both_stand":
            decided = "both stand"
        else:
            decided = f"form {decision['right_form']} is right"
        for line in conflict["lines"]:
            for form in conflict["forms"]:
                yield [
                    str(KIND_LABELS.get(conflict["kind"], conflict["kind"])),
                    names.get(conflict["region"], conflict["region"]),
                    conflict["station"],
                    line["code"],
                    line["text"],
                    form["submission"],
                    form["team"],
                    form["received_at"],
                    line["values"].get(str(form["submission"]), ""),
                    decided,
                ]


def write_xlsx(*, path, run, result, region=None) -> int:
    """Write the workbook with the streaming (write-only) writer; returns the number of raw rows."""
    workbook = Workbook(write_only=True)
    sheets = [("Summary", summary_rows(result, run))]
    for kind in result["kinds"]:
        sheets.append((str(KIND_LABELS.get(kind, kind))[:31], _kind_rows(result, kind)))
    sheets.append(("Incidents", incident_rows(result)))
    sheets.append(("Protocol mismatches", protocol_rows(result)))
    sheets.append(("Conflicts", conflict_rows(result)))
    if result.get("official_results"):
        sheets.extend(official_results_sheets(result["official_results"]))
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(_text_cells(sheet, row))
    raw = workbook.create_sheet("Raw data")
    count = -1
    for row in raw_rows(mission=run.mission, result=result, region=region):
        raw.append(_text_cells(raw, row))
        count += 1
    workbook.save(path)
    return count


def write_pdf(*, path, run, result, charts: dict) -> None:
    """Render the report (tables and charts) to PDF with WeasyPrint."""
    from weasyprint import HTML

    images = {
        name: "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode() for name, svg in charts.items()
    }
    from .presentation import report_tables

    context = {"run": run, "result": result, "tables": report_tables(result, pdf=True), "chart_images": images}
    html = render_to_string("reports/run_pdf.html", context)
    HTML(string=html).write_pdf(path)
