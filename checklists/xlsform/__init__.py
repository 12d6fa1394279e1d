"""Checklists as XLSForm workbooks (ODK, KoBoToolbox, Enketo): export any checklist, import one as a new draft."""

from .exporting import RULE_PREFIX, template_export_xlsform, xlsform_rows
from .importing import XlsformImport, template_import_xlsform
from .xpath import XPathError, from_xpath, to_xpath

__all__ = [
    "RULE_PREFIX",
    "XPathError",
    "XlsformImport",
    "from_xpath",
    "template_export_xlsform",
    "template_import_xlsform",
    "to_xpath",
    "xlsform_rows",
]
