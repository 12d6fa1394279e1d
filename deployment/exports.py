"""The deployment plan as XLSX (one sheet per LTO area) and CSV, for the regional briefings."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook

# (key, header): the headers are written in the active language.
COLUMNS = [
    ("lto_area", gettext_noop("LTO area")),
    ("team", gettext_noop("Team")),
    ("members", gettext_noop("Members")),
    ("phones", gettext_noop("Phones")),
    ("emails", gettext_noop("E-mails")),
    ("region", gettext_noop("Region")),
    ("tecs", gettext_noop("TECs")),
    ("tabulation_tec", gettext_noop("Tabulation TEC")),
    ("needs_interpreter", gettext_noop("Needs interpreter")),
    ("purpose", gettext_noop("Purpose")),
    ("order", gettext_noop("Order")),
    ("station_region", gettext_noop("Station region")),
    ("station", gettext_noop("Station number")),
    ("station_name", gettext_noop("Station name")),
    ("address", gettext_noop("Address")),
    ("station_tec", gettext_noop("Station TEC")),
    ("area_type", gettext_noop("Urban/rural")),
]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def neutralise(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _sheet_title(name: str, used: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("-", name).strip("'")[:31] or _("Area")
    title, number = base, 2
    while title.lower() in used:
        suffix = f" ({number})"
        title = base[: 31 - len(suffix)] + suffix
        number += 1
    used.add(title.lower())
    return title


def _header() -> list[str]:
    return [_(label) for _key, label in COLUMNS]


def plan_xlsx(rows: list[dict]) -> bytes:
    """An XLSX workbook with one sheet per LTO area (write-only, so large plans stream)."""
    workbook = Workbook(write_only=True)
    by_area: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_area[row["lto_team"] or row["lto_area"]].append(row)
    used: set[str] = set()
    if not by_area:
        sheet = workbook.create_sheet(title=_("Plan"))
        sheet.append(_header())
    for area in sorted(by_area):
        sheet = workbook.create_sheet(title=_sheet_title(area, used))
        sheet.append(_header())
        for row in by_area[area]:
            sheet.append([neutralise(row[key]) for key, _label in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan_csv(rows: list[dict]) -> str:
    """The whole plan as one CSV table, the LTO area in the first column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_header())
    for row in rows:
        writer.writerow([neutralise(row[key]) for key, _label in COLUMNS])
    return buffer.getvalue()
