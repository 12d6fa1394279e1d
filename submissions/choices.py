from django.db import models


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    CORRECTED = "corrected", "Corrected"
    LOCKED = "locked", "Locked"
