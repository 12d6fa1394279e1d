"""The deployment plan as XLSX (one sheet per LTO area) and CSV, for the regional briefings."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict

from openpyxl import Workbook

COLUMNS = [
    ("lto_area", "LTO area"),
    ("team", "Team"),
    ("members", "Members"),
    ("phones", "Phones"),
    ("emails", "E-mails"),
    ("region", "Region"),
    ("tecs", "TECs"),
    ("tabulation_tec", "Tabulation TEC"),
    ("needs_interpreter", "Needs interpreter"),
    ("purpose", "Purpose"),
    ("order", "Order"),
    ("station_region", "Station region"),
    ("station", "Station number"),
    ("station_name", "Station name"),
    ("address", "Address"),
    ("station_tec", "Station TEC"),
    ("area_type", "Urban/rural"),
]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def neutralise(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _sheet_title(name: str, used: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("-", name).strip("'")[:31] or "Area"
    title, number = base, 2
    while title.lower() in used:
        suffix = f" ({number})"
        title = base[: 31 - len(suffix)] + suffix
        number += 1
    used.add(title.lower())
    return title


def plan_xlsx(rows: list[dict]) -> bytes:
    """An XLSX workbook with one sheet per LTO area (write-only, so large plans stream)."""
    workbook = Workbook(write_only=True)
    by_area: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_area[row["lto_team"] or row["lto_area"]].append(row)
    used: set[str] = set()
    if not by_area:
        sheet = workbook.create_sheet(title="Plan")
        sheet.append([label for _key, label in COLUMNS])
    for area in sorted(by_area):
        sheet = workbook.create_sheet(title=_sheet_title(area, used))
        sheet.append([label for _key, label in COLUMNS])
        for row in by_area[area]:
            sheet.append([neutralise(row[key]) for key, _label in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan_csv(rows: list[dict]) -> str:
    """The whole plan as one CSV table, the LTO area in the first column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _key, label in COLUMNS])
    for row in rows:
        writer.writerow([neutralise(row[key]) for key, _label in COLUMNS])
    return buffer.getvalue()
