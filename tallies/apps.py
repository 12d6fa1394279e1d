from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalliesConfig(AppConfig):
    name = "tallies"
    verbose_name = _("Running tallies")

    def ready(self):
        # Ingest announces each revision that becomes a form's content; the tallies count it in the same transaction.
        from submissions.signals import forms_deleting, revision_current

        from .services import forms_deleting_received, revision_current_received

        revision_current.connect(revision_current_received, dispatch_uid="tallies.revision_current")
        # Deleted forms leave the folded counts in the same transaction.
        forms_deleting.connect(forms_deleting_received, dispatch_uid="tallies.forms_deleting")
