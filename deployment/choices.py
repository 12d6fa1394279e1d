from django.db import models

from jobs.choices import JobStatus

# A planning job's states are those of every background job (jobs/choices.py), re-exported for this app's readers.
__all__ = ["FormationKind", "JobKind", "JobStatus", "PlanningBasis", "VisitPurpose"]


class VisitPurpose(models.TextChoices):
    OPENING = "opening", "Opening"
    VOTING = "voting", "Voting"
    COUNTING = "counting", "Counting"


class PlanningBasis(models.TextChoices):
    STATIONS = "stations", "Polling stations"
    VOTERS = "voters", "Registered voters"


class FormationKind(models.TextChoices):
    LTO = "lto", "LTO teams"
    STO = "sto", "STO teams"
    ALL = "all", "LTO and STO teams"


class JobKind(models.TextChoices):
    FORM_TEAMS = "form_teams", "Form teams"
    PLAN_DEPLOYMENT = "plan_deployment", "Plan deployment"
