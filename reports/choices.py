from django.db import models


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "Excel workbook"
    CSV = "csv", "CSV raw data"
    PDF = "pdf", "PDF report"


class ConflictDecision(models.TextChoices):
    ONE_IS_RIGHT = "one_is_right", "One form is right"
    BOTH_STAND = "both_stand", "Both forms stand"
