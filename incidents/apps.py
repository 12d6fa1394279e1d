from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    """Follow-up of urgent incidents: a case per urgent form, its status, assignee and log, and who is told."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "incidents"
    verbose_name = _("Incident follow-up")

    def ready(self) -> None:
        from submissions.signals import submission_stored

        from .receivers import case_open_on_submission

        submission_stored.connect(case_open_on_submission, dispatch_uid="incidents.case_open_on_submission")
