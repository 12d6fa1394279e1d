from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    FOLLOWED_UP = "followed_up", _("Followed up")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (CaseStatus.NEW, CaseStatus.ACKNOWLEDGED, CaseStatus.FOLLOWED_UP)
