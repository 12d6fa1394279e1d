"""The texts of what the reports app keeps to be read later (what an export log line records), as notices
(jobs/notices.py): written out in the reader's language when shown."""

from django.utils.translation import gettext_lazy as _

from jobs.notices import Text

TEXTS = {
    "export_report_run": Text(_("report run %(run)s")),
}
