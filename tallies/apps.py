from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalliesConfig(AppConfig):
    name = "tallies"
    verbose_name = _("Running tallies")

    def ready(self):
        # Ingest announces each revision that becomes a form's content; the tallies count it in the same transaction.
        from submissions.signals import NewRevisionRow, forms_deleting, new_revision_rows, revision_current

        from .models import TallyEvent
        from .services import (
            EVENT_FIELDS,
            forms_deleting_received,
            new_revision_event,
            revision_current_received,
        )

        revision_current.connect(revision_current_received, dispatch_uid="tallies.revision_current")
        # A new form's event is written by the statement that writes the form, on PostgreSQL (the same values).
        new_revision_rows[revision_current_received] = NewRevisionRow(
            model=TallyEvent, revision_field="revision", fields=EVENT_FIELDS, values=new_revision_event
        )
        # Deleted forms leave the folded counts in the same transaction.
        forms_deleting.connect(forms_deleting_received, dispatch_uid="tallies.forms_deleting")
