from django.db import models


class VisitPurpose(models.TextChoices):
    OPENING = "opening", "Opening"
    VOTING = "voting", "Voting"
    COUNTING = "counting", "Counting"
