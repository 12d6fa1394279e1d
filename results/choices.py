from django.db import models
from django.utils.translation import gettext_lazy as _


class ResultsStage(models.TextChoices):
    PRELIMINARY = "preliminary", _("Preliminary")
    FINAL = "final", _("Final")
    CORRECTED = "corrected", _("Corrected after final")


class ResultsLevel(models.TextChoices):
    STATION = "station", _("Polling stations (PEC protocols)")
    TEC = "tec", _("TECs (tabulated totals)")


class FindingKind(models.TextChoices):
    """What is wrong with a station's official figures, alone or against what observers recorded."""

    ARITHMETIC = "arithmetic", _("Protocol arithmetic does not add up")
    TURNOUT_OVER_100 = "turnout_over_100", _("Turnout above 100 %")
    TURNOUT_OVER_THRESHOLD = "turnout_over_threshold", _("Turnout above the mission's threshold")
    TURNOUT_OUTLIER = "turnout_outlier", _("Turnout an outlier in its TEC")
    UNKNOWN_STATION = "unknown_station", _("Results for a station not in the station list")
    MISSING_STATION = "missing_station", _("Station missing from the results")
    DIFFERS_FROM_OBSERVERS = "differs_from_observers", _("Differs from the observers' protocol copy")
    TEC_TOTAL_DIFFERS = "tec_total_differs", _("TEC total differs from the sum of its stations' results")


# The official protocol lines, in the order a CEC protocol prints them; candidates follow as candidate_N.
# The labels are lazy: each is written out in the reader's language where it is shown.
RESULT_LINES = (
    ("registered_voters", _("Registered voters")),
    ("ballots_received", _("Ballots received")),
    ("ballots_issued", _("Ballots issued")),
    ("ballots_cancelled", _("Ballots cancelled")),
    ("ballots_valid", _("Valid ballots")),
    ("ballots_invalid", _("Invalid ballots")),
)
RESULT_LINE_NAMES = tuple(name for name, _label in RESULT_LINES)
