"""The texts of an XLSForm workbook that cannot be read, as notices (jobs/notices.py): written out in the reader's
language when shown."""

from django.utils.translation import gettext_lazy as _

from jobs.notices import Text

TEXTS = {
    "sheet_too_many_rows": Text(_("The %(sheet)s sheet has more than %(limit)s rows.")),
    "no_survey_sheet": Text(_("The workbook has no survey sheet: it is not an XLSForm.")),
}
