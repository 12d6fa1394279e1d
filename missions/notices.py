"""The texts of the spreadsheet imports (a file that cannot be read, a row's problems, what an import did), as
notices (jobs/notices.py): written out in the reader's language when shown, however long after the import."""

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from jobs.notices import Text, listed, notice_text


def _grouped(value) -> str:
    """A count with the reader's thousands separator (1,000 in English, 1 000 in Russian)."""
    return number_format(value, force_grouping=True)


def _notes(notes) -> str:
    """The notes after an import's counts, each after "; "."""
    return "".join("; " + notice_text(note) for note in notes or [])


def _listed(values) -> str:
    return listed(values, limit=None)


def _or_none(values) -> str:
    return _listed(values) or gettext("none")


TEXTS = {
    # Where a problem is.
    "row_column": Text(_("row %(row)s, %(column)s: %(message)s"), labels={"message": notice_text}),
    "row": Text(_("row %(row)s: %(message)s"), labels={"message": notice_text}),
    "file_column": Text(_("file, %(column)s: %(message)s"), labels={"message": notice_text}),
    "file": Text(_("file: %(message)s"), labels={"message": notice_text}),
    # What an import did.
    "nothing_imported": Text(ngettext_lazy("Nothing imported: %(n)s error.", "Nothing imported: %(n)s errors.", "n")),
    "imported": Text(
        _("%(created)s created, %(updated)s updated, %(unchanged)s unchanged%(notes)s."), labels={"notes": _notes}
    ),
    "geography_created": Text(_("%(regions)s region(s) and %(tecs)s TEC(s) created from the file")),
    "no_data_rows": Text(_("The file has no data rows.")),
    # A file that cannot be read as a spreadsheet.
    "not_text": Text(_("The file is not text in a known encoding (UTF-8 or Windows-1251).")),
    "not_xlsx": Text(_("The file is not a valid XLSX workbook.")),
    "zip_not_xlsx": Text(_("The file is a zip archive but not an XLSX workbook.")),
    "zip_bomb": Text(_("The workbook expands to an implausible size; refusing it as a possible zip bomb.")),
    "xml_entities": Text(_("The workbook contains XML entity declarations; refusing it.")),
    "too_many_cells": Text(
        _("The workbook has more than %(limit)s cells; split it or remove what the import does not use."),
        labels={"limit": _grouped},
    ),
    "too_many_texts": Text(
        _("The workbook has more than %(limit)s distinct texts; split it or remove what the import does not use."),
        labels={"limit": _grouped},
    ),
    "too_big": Text(_("The file is %(size)s KB; the limit is %(limit)s KB.")),
    "empty": Text(_("The file is empty.")),
    "not_csv_or_xlsx": Text(_("Upload a CSV (.csv) or Excel (.xlsx) file.")),
    "binary": Text(_("The file is binary, not CSV text. Upload a CSV or XLSX file.")),
    "nul_byte": Text(_("Line %(line)s contains a NUL byte, which no field accepts; the file may be damaged.")),
    "no_header_row": Text(_("The file has no header row.")),
    "too_many_rows": Text(_("The file has more than %(limit)s rows."), labels={"limit": _grouped}),
    "sheet_too_many_rows": Text(_("The sheet has more than %(limit)s rows."), labels={"limit": _grouped}),
    "too_many_columns": Text(_("The header row has more than %(limit)s columns.")),
    "no_column_names": Text(_("The header row has no column names.")),
    "bad_csv_line": Text(_("Line %(line)s cannot be read as CSV: %(error)s.")),
    "unreadable": Text(_("The workbook cannot be read: %(error)s.")),
    "first_sheet_empty": Text(_("The first sheet is empty.")),
    # A row of a polling-station list.
    "too_long": Text(_("longer than %(limit)s characters")),
    "mapping_unknown_fields": Text(
        _("Unknown field(s) in the column mapping: %(fields)s."), labels={"fields": _listed}
    ),
    "mapping_bad_line": Text(_("'%(line)s' is not of the form field=Header in the file")),
    "mapping_not_a_field": Text(
        _("'%(field)s' is not a field of a station list; the fields are %(fields)s"), labels={"fields": _listed}
    ),
    "mapped_column_absent": Text(
        _("the mapped column '%(header)s' is not in the file (its columns: %(headers)s)"),
        labels={"headers": _or_none},
    ),
    "no_number_column": Text(_("no column for the station number: map one, e.g. number=Header")),
    "no_region_column": Text(_("no column for the region: map one, e.g. region=Header")),
    "no_tec_column": Text(_("no column for the TEC: map tec_code=Header or tec_name=Header")),
    "number_missing": Text(_("the station number is missing")),
    "region_missing": Text(_("the region is missing")),
    "tec_missing": Text(_("the TEC is missing")),
    "not_urban_or_rural": Text(_("'%(value)s' is not urban or rural (leave it blank if not known)")),
    "not_voters": Text(_("'%(value)s' is not a whole number of voters")),
    "not_special_type": Text(_("'%(value)s' is not one of %(values)s"), labels={"values": _listed}),
    "not_latitude": Text(_("'%(value)s' is not a latitude between %(low)s and %(high)s")),
    "not_longitude": Text(_("'%(value)s' is not a longitude between %(low)s and %(high)s")),
    "region_unknown": Text(
        _(
            "'%(region)s' is not a region of this mission (add it, or import with regions and TECs created from "
            "the file)"
        )
    ),
    "tec_unknown": Text(
        _("TEC '%(tec)s' is not in %(region)s (add it, or import with regions and TECs created from the file)")
    ),
    "station_twice": Text(_("No. %(number)s of %(region)s appears twice in the file (also row %(other)s)")),
    "station_twice_tec": Text(
        _("No. %(number)s of %(region)s, TEC %(tec)s appears twice in the file (also row %(other)s)")
    ),
}
