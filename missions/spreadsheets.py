"""Reading the spreadsheets coordinators receive (CSV and XLSX) safely, and writing them back out.

Imports check every row before writing anything; this module only turns an uploaded file into
rows of strings keyed by normalised header, refusing what is not a spreadsheet or is too big.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings

# A real XLSX of a 10,000-station list inflates ~10x; a zip bomb inflates thousands of times.
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_XLSX_RATIO = 200
MAX_ROWS = 200_000


@dataclass
class RowError:
    """One problem in an uploaded file, where the coordinator can find it."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass
class ImportReport:
    """What an import did (or, with errors, refused to do)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return f"Nothing imported: {len(self.errors)} error(s)."
        counts = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        return "; ".join([counts, *self.notes]) + "."


class SpreadsheetError(Exception):
    """The upload cannot be read as a spreadsheet at all."""


def normalise_header(value) -> str:
    return "_".join(str(value or "").strip().lower().replace("-", " ").replace("/", " ").split())


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251", "latin-1"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError("The file is not text in a known encoding (UTF-8 or Windows-1251).")


def _check_xlsx_archive(raw: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as exc:
        raise SpreadsheetError("The file is not a valid XLSX workbook.") from exc
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
        raise SpreadsheetError("The file is a zip archive but not an XLSX workbook.")
    total = sum(info.file_size for info in archive.infolist())
    packed = max(1, sum(info.compress_size for info in archive.infolist()))
    if total > MAX_XLSX_UNCOMPRESSED or total / packed > MAX_XLSX_RATIO:
        raise SpreadsheetError("The workbook expands to an implausible size; refusing it as a possible zip bomb.")
    for info in archive.infolist():
        if info.filename.endswith(".xml") or info.filename.endswith(".rels"):
            head = archive.open(info).read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise SpreadsheetError("The workbook contains XML entity declarations; refusing it.")


def read_rows(upload, *, filename: str | None = None) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """Headers and (row number, {header: text}) for a CSV or XLSX upload (file object or bytes)."""
    raw = upload if isinstance(upload, bytes) else upload.read()
    name = (filename or getattr(upload, "name", "") or "").lower()
    if len(raw) > settings.IMPORT_MAX_BYTES:
        raise SpreadsheetError(
            f"The file is {len(raw) // 1024} KB; the limit is {settings.IMPORT_MAX_BYTES // 1024} KB."
        )
    if not raw.strip():
        raise SpreadsheetError("The file is empty.")
    if raw[:4] == b"PK\x03\x04" or name.endswith(".xlsx"):
        return _xlsx_rows(raw)
    if name and not name.endswith((".csv", ".txt")):
        raise SpreadsheetError("Upload a CSV (.csv) or Excel (.xlsx) file.")
    if b"\x00" in raw[:4096]:
        raise SpreadsheetError("The file is binary, not CSV text. Upload a CSV or XLSX file.")
    return _csv_rows(_decode(raw))


def _csv_rows(text: str):
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header_row = next(reader)
    except StopIteration as exc:
        raise SpreadsheetError("The file has no header row.") from exc
    headers = [normalise_header(h) for h in header_row]

    def rows():
        for number, values in enumerate(reader, start=2):
            if number > MAX_ROWS + 1:
                raise SpreadsheetError(f"The file has more than {MAX_ROWS} rows.")
            if not any(v.strip() for v in values):
                continue
            yield number, {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(headers) if h}

    return headers, rows()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return (
            value.isoformat()[:10] if hasattr(value, "hour") and not (value.hour or value.minute) else value.isoformat()
        )
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(raw: bytes):
    from openpyxl import load_workbook

    _check_xlsx_archive(raw)
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise SpreadsheetError(f"The workbook cannot be read: {exc.__class__.__name__}.") from exc
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    try:
        header_row = next(iterator)
    except StopIteration as exc:
        raise SpreadsheetError("The first sheet is empty.") from exc
    headers = [normalise_header(h) for h in header_row]

    def rows():
        for number, values in enumerate(iterator, start=2):
            if number > MAX_ROWS + 1:
                raise SpreadsheetError(f"The sheet has more than {MAX_ROWS} rows.")
            texts = [_cell_text(v) for v in values]
            if not any(texts):
                continue
            yield number, {h: (texts[i] if i < len(texts) else "") for i, h in enumerate(headers) if h}
        workbook.close()

    return headers, rows()


def pick(row: dict[str, str], *aliases: str) -> str:
    """The first non-empty value among a column's accepted header names."""
    for alias in aliases:
        value = row.get(alias, "")
        if value:
            return value
    return ""


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise text a spreadsheet would run as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    return [safe_cell(v) for v in values]
