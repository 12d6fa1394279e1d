"""Reading the spreadsheets coordinators receive (CSV and XLSX) safely, and writing them back out.

Imports check every row before writing anything; this module only turns an uploaded file into
rows of strings keyed by normalised header, refusing what is not a spreadsheet or is too big.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings

from jobs.notices import notice, notice_text

# A real XLSX of a 10,000-station list inflates ~10x; a zip bomb inflates thousands of times.
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_XLSX_RATIO = 200
MAX_ROWS = 200_000
# Parsing time grows with the number of XML elements, not with the file's size: a 0.75 MB workbook of millions of
# tiny shared strings or cells kept a worker busy for minutes. openpyxl reads roughly 25,000-40,000 cells or shared
# strings a second on a busy server; a 10,000-station list has about 100,000 cells and fewer distinct texts. The caps
# leave room for a list three times that size and bound the parse to seconds; a larger list is imported in parts.
MAX_CELLS = 300_000
MAX_SHARED_STRINGS = 200_000
MAX_COLUMNS = 200
_SCAN_CHUNK = 1024 * 1024
_SCAN_OVERLAP = 64  # longer than any tag the patterns below match, so a tag split between chunks is counted once


@dataclass
class RowError:
    """One problem in an uploaded file, where the coordinator can find it.

    `notice` is what is wrong, as a notice (jobs/notices.py: a code and its figures), so that the problem reads in
    the language of whoever reads it, now or later from a stored summary; `message` is it written out now.
    """

    row: int
    column: str
    notice: dict | str

    @property
    def message(self) -> str:
        return notice_text(self.notice)

    def as_notice(self) -> dict:
        """The problem with where it is ("row 3, email: ..."), as a notice to store."""
        where = "row" if self.row else "file"
        if self.column:
            return notice(f"missions.{where}_column", row=self.row, column=self.column, message=self.notice)
        return notice(f"missions.{where}", row=self.row, message=self.notice)

    def __str__(self) -> str:
        return notice_text(self.as_notice())


@dataclass
class ImportReport:
    """What an import did (or, with errors, refused to do). Its texts are notices, written out when read."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary_notice(self) -> dict:
        if self.errors:
            return notice("missions.nothing_imported", n=len(self.errors))
        return notice(
            "missions.imported",
            created=self.created,
            updated=self.updated,
            unchanged=self.unchanged,
            notes=self.notes,
        )

    def summary(self) -> str:
        """What the import did, in the active language."""
        return notice_text(self.summary_notice())

    def as_data(self) -> dict:
        """The report as JSON-safe data to keep (a job's summary): figures and notices, written out when read
        (jobs.notices.notices_written)."""
        return {
            "ok": self.ok,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "summary": self.summary_notice(),
            "errors": [error.as_notice() for error in self.errors],
        }


class SpreadsheetError(Exception):
    """The upload cannot be read as a spreadsheet at all: `notice` says why (a code of missions/notices.py, or
    "app.name" of another app's)."""

    def __init__(self, code: str, **params):
        self.notice = notice(code if "." in code else f"missions.{code}", **params)
        super().__init__(code)

    def __str__(self) -> str:
        return notice_text(self.notice)


def normalise_header(value) -> str:
    return "_".join(str(value or "").strip().lower().replace("-", " ").replace("/", " ").split())


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251", "latin-1"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError("not_text")


def _check_xlsx_archive(raw: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as exc:
        raise SpreadsheetError("not_xlsx") from exc
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
        raise SpreadsheetError("zip_not_xlsx")
    total = sum(info.file_size for info in archive.infolist())
    packed = max(1, sum(info.compress_size for info in archive.infolist()))
    if total > MAX_XLSX_UNCOMPRESSED or total / packed > MAX_XLSX_RATIO:
        raise SpreadsheetError("zip_bomb")
    for info in archive.infolist():
        if info.filename.endswith(".xml") or info.filename.endswith(".rels"):
            head = archive.open(info).read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise SpreadsheetError("xml_entities")
    _check_xlsx_counts(archive)


def _element(local_name: str) -> re.Pattern:
    """Opening tags of one element, with or without a namespace prefix (`<c `, `<x:c>`, `<c/>`)."""
    return re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?" + local_name.encode() + rb"[\s/>]")


_LIMITS = (
    # (which parts, element, cap, the notice the coordinator is told). Rows are counted while reading: that stops early.
    (lambda name: name.startswith("xl/worksheets/"), _element("c"), lambda: MAX_CELLS, "too_many_cells"),
    (lambda name: "sharedstrings" in name.lower(), _element("si"), lambda: MAX_SHARED_STRINGS, "too_many_texts"),
)


def _check_xlsx_counts(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook with more rows, cells or shared strings than the caps, before any XML is parsed.

    Counts opening tags in the inflated parts chunk by chunk and stops at the first cap exceeded, so the check
    itself takes a fraction of a second whatever the file holds.
    """
    for parts, pattern, cap, what in _LIMITS:
        limit, seen = cap(), 0
        for info in archive.infolist():
            if not parts(info.filename):
                continue
            seen += _count_until(archive, info, pattern, limit - seen)
            if seen > limit:
                raise SpreadsheetError(what, limit=limit)


def _count_until(archive: zipfile.ZipFile, info: zipfile.ZipInfo, pattern: re.Pattern, budget: int) -> int:
    """Occurrences of `pattern` in one part, counting no further than one past `budget`."""
    count, carry = 0, b""
    with archive.open(info) as stream:
        while True:
            chunk = stream.read(_SCAN_CHUNK)
            buffer, last = carry + chunk, not chunk
            # A tag starting in the last bytes may be cut by the chunk's end: it is counted with the next chunk.
            stop = len(buffer) if last else max(0, len(buffer) - _SCAN_OVERLAP)
            for match in pattern.finditer(buffer):
                if match.start() >= stop:
                    break
                count += 1
                if count > budget:
                    return count
            if last:
                return count
            carry = buffer[stop:]


def read_rows(upload, *, filename: str | None = None) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """Headers and (row number, {header: text}) for a CSV or XLSX upload (file object or bytes)."""
    raw = upload if isinstance(upload, bytes) else upload.read()
    name = (filename or getattr(upload, "name", "") or "").lower()
    if len(raw) > settings.IMPORT_MAX_BYTES:
        raise SpreadsheetError("too_big", size=len(raw) // 1024, limit=settings.IMPORT_MAX_BYTES // 1024)
    if not raw.strip():
        raise SpreadsheetError("empty")
    if raw[:4] == b"PK\x03\x04" or name.endswith(".xlsx"):
        return _xlsx_rows(raw)
    if name and not name.endswith((".csv", ".txt")):
        raise SpreadsheetError("not_csv_or_xlsx")
    if b"\x00" in raw[:4096]:
        raise SpreadsheetError("binary")
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise SpreadsheetError("nul_byte", line=line)
    return _csv_rows(_decode(raw))


def _csv_rows(text: str):
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header_row = _next_csv_row(reader)
    except StopIteration as exc:
        raise SpreadsheetError("no_header_row") from exc
    headers = _trimmed_headers(header_row)

    def rows():
        number = 1
        while True:
            try:
                values = _next_csv_row(reader)
            except StopIteration:
                return
            number += 1
            if number > MAX_ROWS + 1:
                raise SpreadsheetError("too_many_rows", limit=MAX_ROWS)
            if not any(v.strip() for v in values):
                continue
            yield number, {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(headers) if h}

    return headers, rows()


def _trimmed_headers(header_row) -> list[str]:
    """Normalised column names, without empty ones at the end; refused past MAX_COLUMNS.

    Every data row is read as wide as the header, so a header row of a million columns would make every row cost
    a million steps.
    """
    headers = [normalise_header(h) for h in header_row]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > MAX_COLUMNS:
        raise SpreadsheetError("too_many_columns", limit=MAX_COLUMNS)
    if not headers:
        raise SpreadsheetError("no_column_names")
    return headers


def _next_csv_row(reader) -> list[str]:
    """The next record; a field over the csv module's limit (or another malformed record) is a message."""
    try:
        return next(reader)
    except csv.Error as exc:
        raise SpreadsheetError("bad_csv_line", line=reader.line_num, error=str(exc)) from exc


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


def _unreadable(exc: Exception) -> SpreadsheetError:
    return SpreadsheetError("unreadable", error=exc.__class__.__name__)


def _next_row(iterator):
    """The next row of a sheet; a part openpyxl cannot parse is the coordinator's file, not a server error."""
    try:
        return next(iterator)
    except StopIteration:
        raise
    except Exception as exc:  # openpyxl raises many types (KeyError, ValueError, XML errors) for a broken part
        raise _unreadable(exc) from exc


def _xlsx_rows(raw: bytes):
    from openpyxl import load_workbook

    _check_xlsx_archive(raw)
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # The stored dimension is the file's claim, not its content: padding every row to it could mean millions
        # of empty cells. Rows are read as they are, cut at MAX_COLUMNS.
        sheet.reset_dimensions()
        header_row = _next_row(sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS + 1, values_only=True))
    except StopIteration as exc:
        raise SpreadsheetError("first_sheet_empty") from exc
    except SpreadsheetError:
        raise
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise _unreadable(exc) from exc
    headers = _trimmed_headers(header_row)
    iterator = sheet.iter_rows(min_row=2, max_col=len(headers), values_only=True)

    def rows():
        number = 1
        while True:
            try:
                values = _next_row(iterator)
            except StopIteration:
                break
            number += 1
            if number > MAX_ROWS + 1:
                raise SpreadsheetError("sheet_too_many_rows", limit=MAX_ROWS)
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
