from django.db import models
from django.utils.translation import gettext_lazy as _

from jobs.choices import JobStatus

# A planning job's states are those of every background job (jobs/choices.py), re-exported for this app's readers.
__all__ = ["FormationKind", "JobKind", "JobStatus", "PlanningBasis", "VisitPurpose"]


class VisitPurpose(models.TextChoices):
    OPENING = "opening", _("Opening")
    VOTING = "voting", _("Voting")
    COUNTING = "counting", _("Counting")


class PlanningBasis(models.TextChoices):
    STATIONS = "stations", _("Polling stations")
    VOTERS = "voters", _("Registered voters")


class FormationKind(models.TextChoices):
    LTO = "lto", _("LTO teams")
    STO = "sto", _("STO teams")
    ALL = "all", _("LTO and STO teams")


class JobKind(models.TextChoices):
    FORM_TEAMS = "form_teams", _("Form teams")
    PLAN_DEPLOYMENT = "plan_deployment", _("Plan deployment")
