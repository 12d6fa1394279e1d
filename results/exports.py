"""Official results findings as rows, for the XLSX and CSV exports (and for the report's own sheet)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from openpyxl import Workbook

from missions.spreadsheets import safe_row

from .analysis import CrossCheck

FINDING_COLUMNS = (
    ("kind_label", "Finding"),
    ("region", "Region"),
    ("tec", "TEC"),
    ("station", "Station"),
    ("line_label", "Line"),
    ("official", "Official figure"),
    ("observed", "Observers' figure"),
    ("difference", "Official minus observers'"),
    ("form_kind", "Form"),
    ("submission", "Form UUID"),
    ("team", "Team"),
    ("message", "Details"),
)
SUMMARY_COLUMNS = (
    ("observed", "Stations observed with a protocol copy"),
    ("matching", "Matching"),
    ("differing", "Differing"),
    ("not_published", "Not yet published"),
    ("not_comparable", "No line to compare"),
)


def finding_rows(findings: list[dict]) -> Iterator[list]:
    yield [label for _key, label in FINDING_COLUMNS]
    for finding in findings:
        yield [finding[key] if finding[key] is not None else "" for key, _label in FINDING_COLUMNS]


def summary_rows(check: CrossCheck) -> Iterator[list]:
    yield ["Region", *(label for _key, label in SUMMARY_COLUMNS)]
    yield ["All regions", *(check.summary.get(key, 0) for key, _label in SUMMARY_COLUMNS)]
    for region in check.regions:
        yield [region["name"], *(region[key] for key, _label in SUMMARY_COLUMNS)]


def findings_csv(findings: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in finding_rows(findings):
        writer.writerow(safe_row(row))
    return buffer.getvalue().encode("utf-8-sig")


def findings_xlsx(check: CrossCheck, findings: list[dict], *, title: str) -> bytes:
    """A workbook with the summary per region, the counts per kind of finding, and every finding."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Cross-check summary")
    sheet.append(safe_row([title]))
    for row in summary_rows(check):
        sheet.append(safe_row(row))
    sheet.append([])
    sheet.append(["Finding", "Count"])
    from .choices import FindingKind

    for kind, count in check.kinds.items():
        sheet.append([str(FindingKind(kind).label), count])
    sheet = workbook.create_sheet("Findings")
    for row in finding_rows(findings):
        sheet.append(safe_row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
