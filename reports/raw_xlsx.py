"""The raw data's XLSX sheet, written row by row as plain XML text; openpyxl writes the rest of the workbook.

openpyxl's streaming writer spends about ten microseconds of Python on every cell (a cell object, an XML element and
its serialisation), and the raw sheet of 100,000 forms holds over five million cells. `sheet_xml_rows` writes the same
XML openpyxl writes for the values raw rows hold (text, integers, floats, booleans, nothing) as strings, about ten
times faster; tests hold it to openpyxl's own output byte for byte. Text is always a string cell, never a formula.

`workbook_save` saves the workbook with openpyxl, its raw sheet still empty, then copies it into the final file with
the raw sheet's rows streamed in: every other part (content types, relationships, styles, the other sheets) is
openpyxl's, and memory stays flat because the rows go through a temporary file, as openpyxl's own streaming sheets do.
"""

from __future__ import annotations

import math
import shutil
import tempfile
import zipfile
from collections.abc import Iterable

from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError

# What openpyxl writes for a write-only sheet without rows; the rows go in between.
EMPTY_SHEET_DATA = b"<sheetData></sheetData>"
# Excel's limit on a cell's text: openpyxl cuts longer text there.
MAX_TEXT = 32767
_ERROR_CODES = frozenset(ERROR_CODES)
_COPY_BUFFER = 1024 * 1024


def _escaped(text: str) -> str:
    """Text as XML character data, escaped exactly as openpyxl's serialiser (ElementTree's) escapes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _text_cell(reference: str, text: str) -> str:
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
    if text in _ERROR_CODES:  # openpyxl types these words as Excel's error values
        return f'<c r="{reference}" t="e"><v>{text}</v></c>'
    # Blanks at either end are kept by xml:space, unless the text is nothing but blanks (as openpyxl decides).
    if (text[0].isspace() or text[-1].isspace()) and not text.isspace():
        return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{_escaped(text)}</t></is></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>{_escaped(text)}</t></is></c>'


def _number(value) -> str:
    """A number as openpyxl's safe_string formats it: 16 significant digits, nothing for NaN and infinity."""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return "%.16g" % value  # noqa: UP031 - the exact format openpyxl uses


def _cell(reference: str, value) -> str:
    """Any one cell, the slow way: text, a number, a boolean; None is no cell."""
    if isinstance(value, str):
        return _text_cell(reference, value) if value else f'<c r="{reference}" t="inlineStr" />'
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        number = _number(value)
        return f'<c r="{reference}" t="n"><v>{number}</v></c>' if number else f'<c r="{reference}" t="n"><v /></c>'
    raise TypeError(f"A raw-data cell holds text, a number or nothing, not {type(value).__name__}: {value!r}")


def _check_text(row: list) -> None:
    """Raise as openpyxl does for text a worksheet cannot hold (control characters)."""
    for value in row:
        if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value[:MAX_TEXT]):
            raise IllegalCharacterError(f"{value} cannot be used in worksheets.")


def sheet_xml_rows(rows: Iterable[list], write) -> int:
    """Write `<row>` elements for `rows` (lists of cell values) with `write`; returns the rows written."""
    letters: list[str] = []
    count = 0
    for count, row in enumerate(rows, 1):  # noqa: B007 - the last index is the count
        if len(row) > len(letters):
            letters = [get_column_letter(index) for index in range(1, len(row) + 1)]
        number = str(count)
        cells = []
        append = cells.append
        for letter, value in zip(letters, row, strict=False):
            kind = value.__class__
            # The cells raw rows are made of, inline; the rest (and every rule openpyxl applies) in _cell.
            if kind is str:
                if not value:
                    append(f'<c r="{letter}{number}" t="inlineStr" />')
                elif value[0].isspace() or value[-1].isspace() or len(value) > MAX_TEXT or value in _ERROR_CODES:
                    append(_text_cell(letter + number, value))
                elif "&" in value or "<" in value or ">" in value:
                    append(f'<c r="{letter}{number}" t="inlineStr"><is><t>{_escaped(value)}</t></is></c>')
                else:
                    append(f'<c r="{letter}{number}" t="inlineStr"><is><t>{value}</t></is></c>')
            elif kind is int:
                append(f'<c r="{letter}{number}" t="n"><v>{"%.16g" % value}</v></c>')  # noqa: UP031
            elif value is not None:
                append(_cell(letter + number, value))
        line = f'<row r="{number}">{"".join(cells)}</row>'
        if ILLEGAL_CHARACTERS_RE.search(line):  # the markup never matches, so some cell's text does
            _check_text(row)
        write(line.encode("utf-8"))
    return count


def workbook_save(*, workbook, sheet, rows: Iterable[list], path) -> int:
    """Save a write-only `workbook` to `path` with `rows` in its `sheet`, which must have none yet; returns the rows
    written."""
    with tempfile.TemporaryFile() as skeleton_file, tempfile.TemporaryFile() as sheet_file:
        workbook.save(skeleton_file)
        with zipfile.ZipFile(skeleton_file) as skeleton:
            part = sheet.path.lstrip("/")
            head, found, tail = skeleton.read(part).partition(EMPTY_SHEET_DATA)
            if not found:
                raise ValueError(f"The sheet {sheet.title!r} already has rows: it is written here, row by row.")
            sheet_file.write(head + b"<sheetData>")
            count = sheet_xml_rows(rows, sheet_file.write)
            sheet_file.write(b"</sheetData>" + tail)
            size = sheet_file.tell()
            sheet_file.seek(0)
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
                for original in skeleton.infolist():
                    info = zipfile.ZipInfo(original.filename, date_time=original.date_time)
                    info.compress_type = original.compress_type
                    info.external_attr = original.external_attr
                    if original.filename != part:
                        archive.writestr(info, skeleton.read(original))
                        continue
                    info.file_size = size  # so the archive decides on ZIP64 as it does for any file this size
                    with archive.open(info, "w") as entry:
                        shutil.copyfileobj(sheet_file, entry, _COPY_BUFFER)
    return count
