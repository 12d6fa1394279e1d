from django.db import models


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


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
