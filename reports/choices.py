from django.db import models

from jobs.choices import JobStatus

# A report run's states are those of every background job (jobs/choices.py); the old name is kept for readers.
RunStatus = JobStatus


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "Excel workbook"
    CSV = "csv", "CSV raw data"
    PDF = "pdf", "PDF report"


class ConflictDecision(models.TextChoices):
    ONE_IS_RIGHT = "one_is_right", "One form is right"
    BOTH_STAND = "both_stand", "Both forms stand"
