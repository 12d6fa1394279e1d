from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    CORRECTED = "corrected", _("Corrected")
    LOCKED = "locked", _("Locked")
