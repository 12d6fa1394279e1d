from django.db import models
from django.utils.translation import gettext_lazy as _


class FormKind(models.TextChoices):
    OPENING = "opening", _("Opening")
    VOTING = "voting", _("Voting")
    COUNTING = "counting", _("Counting")
    TABULATION = "tabulation", _("Tabulation")
    LTO_WEEKLY = "lto_weekly", _("LTO weekly report")
    MEETING = "meeting", _("Meeting record")
    INCIDENT = "incident", _("Incident report")


# Election-day observation forms: one per observation, tied to a polling station (or TEC), with an overall assessment.
OBSERVATION_KINDS = (FormKind.OPENING, FormKind.VOTING, FormKind.COUNTING, FormKind.TABULATION)
LTO_KINDS = (FormKind.LTO_WEEKLY, FormKind.MEETING, FormKind.INCIDENT)


class TemplateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class QuestionType(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no")
    YES_NO_NA = "yes_no_na", _("Yes / no / not applicable")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    INTEGER = "integer", _("Integer")
    DECIMAL = "decimal", _("Decimal number")
    # A calendar date, stored as YYYY-MM-DD.
    DATE = "date", _("Date")
    TIME = "time", _("Time")
    TEXT = "text", _("Text")
    # A calendar week (Monday to Sunday), stored as the date of its Monday.
    WEEK = "week", _("Week")
    NOTE = "note", _("Note (text shown, no answer)")


class Assessment(models.TextChoices):
    VERY_GOOD = "very_good", _("Very good")
    GOOD = "good", _("Good")
    BAD = "bad", _("Bad")
    VERY_BAD = "very_bad", _("Very bad")


NEGATIVE_ASSESSMENTS = (Assessment.BAD, Assessment.VERY_BAD)
OVERALL_ASSESSMENT_CODE = "overall_assessment"
# The stored value of a "not applicable" answer; it never counts in a denominator.
NOT_APPLICABLE = "na"
