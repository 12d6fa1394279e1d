from django.db import models
from django.utils.translation import gettext_lazy as _

from jobs.choices import JobStatus

# A report run's states are those of every background job (jobs/choices.py); the old name is kept for readers.
RunStatus = JobStatus


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel workbook")
    CSV = "csv", _("CSV raw data")
    PDF = "pdf", _("PDF report")


class ConflictDecision(models.TextChoices):
    ONE_IS_RIGHT = "one_is_right", _("One form is right")
    BOTH_STAND = "both_stand", _("Both forms stand")
