from django.db import models


class FormKind(models.TextChoices):
    OPENING = "opening", "Opening"
    VOTING = "voting", "Voting"
    COUNTING = "counting", "Counting"
    TABULATION = "tabulation", "Tabulation"
    LTO_WEEKLY = "lto_weekly", "LTO weekly report"
    MEETING = "meeting", "Meeting record"
    INCIDENT = "incident", "Incident report"


# Election-day observation forms: one per observation, tied to a polling station (or TEC), with an overall assessment.
OBSERVATION_KINDS = (FormKind.OPENING, FormKind.VOTING, FormKind.COUNTING, FormKind.TABULATION)
LTO_KINDS = (FormKind.LTO_WEEKLY, FormKind.MEETING, FormKind.INCIDENT)


class TemplateStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class QuestionType(models.TextChoices):
    YES_NO = "yes_no", "Yes / no"
    YES_NO_NA = "yes_no_na", "Yes / no / not applicable"
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    INTEGER = "integer", "Integer"
    DECIMAL = "decimal", "Decimal number"
    # A calendar date, stored as YYYY-MM-DD.
    DATE = "date", "Date"
    TIME = "time", "Time"
    TEXT = "text", "Text"
    # A calendar week (Monday to Sunday), stored as the date of its Monday.
    WEEK = "week", "Week"
    NOTE = "note", "Note (text shown, no answer)"


class Assessment(models.TextChoices):
    VERY_GOOD = "very_good", "Very good"
    GOOD = "good", "Good"
    BAD = "bad", "Bad"
    VERY_BAD = "very_bad", "Very bad"


NEGATIVE_ASSESSMENTS = (Assessment.BAD, Assessment.VERY_BAD)
OVERALL_ASSESSMENT_CODE = "overall_assessment"
# The stored value of a "not applicable" answer; it never counts in a denominator.
NOT_APPLICABLE = "na"
