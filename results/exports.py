"""Official results findings as rows, for the XLSX and CSV exports (and for the report's own sheet)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook

from missions.spreadsheets import safe_row

from .analysis import CrossCheck, finding_written

FINDING_COLUMNS = (
    ("kind_label", gettext_noop("Finding")),
    ("region", gettext_noop("Region")),
    ("tec", gettext_noop("TEC")),
    ("station", gettext_noop("Station")),
    ("line_label", gettext_noop("Line")),
    ("official", gettext_noop("Official figure")),
    ("observed", gettext_noop("Observers' figure")),
    ("difference", gettext_noop("Official minus observers'")),
    ("form_label", gettext_noop("Form")),
    ("submission", gettext_noop("Form UUID")),
    ("team", gettext_noop("Team")),
    ("message", gettext_noop("Details")),
)
SUMMARY_COLUMNS = (
    ("observed", gettext_noop("Stations observed with a protocol copy")),
    ("matching", gettext_noop("Matching")),
    ("differing", gettext_noop("Differing")),
    ("not_published", gettext_noop("Not yet published")),
    ("not_comparable", gettext_noop("No line to compare")),
)


def finding_rows(findings: list[dict]) -> Iterator[list]:
    """The header, then one row per finding, in the active language."""
    yield [_(label) for _key, label in FINDING_COLUMNS]
    for finding in map(finding_written, findings):
        yield [finding[key] if finding[key] is not None else "" for key, _label in FINDING_COLUMNS]


def summary_header() -> list[str]:
    """The cross-check summary's header row in the active language."""
    return [_("Region"), *(_(label) for _key, label in SUMMARY_COLUMNS)]


def summary_rows(check: CrossCheck) -> Iterator[list]:
    yield summary_header()
    yield [_("All regions"), *(check.summary.get(key, 0) for key, _label in SUMMARY_COLUMNS)]
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
    sheet = workbook.create_sheet(_("Cross-check summary"))
    sheet.append(safe_row([title]))
    for row in summary_rows(check):
        sheet.append(safe_row(row))
    sheet.append([])
    sheet.append([_("Finding"), _("Count")])
    from .choices import FindingKind

    for kind, count in check.kinds.items():
        sheet.append([str(FindingKind(kind).label), count])
    sheet = workbook.create_sheet(_("Findings"))
    for row in finding_rows(findings):
        sheet.append(safe_row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
