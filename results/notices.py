"""The texts of official results that are stored or kept to be read later (an import's row errors and summary, the
findings of the checks, the method of a report's section), as notices (jobs/notices.py): written out in the
reader's language when shown."""

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jobs.notices import Text, notice_text

from .choices import RESULT_LINES, ResultsStage


def _decimal(value) -> str:
    """A figure stored with one decimal ("57.3") with the reader's decimal separator (57,3 in Russian)."""
    try:
        return number_format(Decimal(str(value)), decimal_pos=1)
    except (InvalidOperation, ValueError):
        return str(value)


def _stage(value: str) -> str:
    try:
        return str(ResultsStage(value).label)
    except ValueError:
        return value


def _lower(value) -> str:
    return notice_text(value).lower()


def _unknown(n) -> str:
    return gettext(", %(n)s for stations not in the station list") % {"n": n} if n else ""


def _absent(lines) -> str:
    labels = dict(RESULT_LINES)
    names = ", ".join(str(labels.get(line, line)).lower() for line in lines or [])
    return " " + gettext("Not in this file (not checked): %(lines)s.") % {"lines": names} if names else ""


TEXTS = {
    # The columns of a results file, and the lines of a protocol.
    "field_region": Text(_("Region")),
    "field_tec_optional": Text(_("TEC (optional)")),
    "field_tec": Text(_("TEC (code or name)")),
    "field_number": Text(_("Station number")),
    **{f"line_{name}": Text(label) for name, label in RESULT_LINES},
    "votes_for": Text(_("Votes for %(name)s")),
    "export_official_results": Text(_("official results v%(number)s")),
    "version": Text(_("Results v%(number)s (%(stage)s)"), labels={"stage": _stage}),
    "version_labelled": Text(_("Results v%(number)s (%(stage)s): %(label)s"), labels={"stage": _stage}),
    # What an import did.
    "imported_stations": Text(
        _("%(version)s: %(n)s station results imported%(unknown)s.%(absent)s"),
        labels={"version": notice_text, "unknown": _unknown, "absent": _absent},
    ),
    "imported_tecs": Text(
        _("%(version)s: %(n)s TEC totals imported%(unknown)s.%(absent)s"),
        labels={"version": notice_text, "unknown": _unknown, "absent": _absent},
    ),
    # The column mapping of a results file.
    "choose_column": Text(_("choose the column that holds the %(field)s"), labels={"field": _lower}),
    "no_such_column": Text(_("the file has no column '%(header)s'")),
    "columns_are": Text(_("the file's columns are: %(headers)s; clear a line the file does not have")),
    "already_mapped": Text(_("column '%(header)s' is already mapped to %(field)s"), labels={"field": notice_text}),
    "map_a_line": Text(_("map at least one protocol line or candidate column")),
    # A row of a results file.
    "not_ballots": Text(_("'%(value)s' is not a whole number of ballots or voters")),
    "not_votes": Text(_("'%(value)s' is not a whole number of votes")),
    "no_region": Text(_("no region '%(region)s' in the mission")),
    "no_tec": Text(_("no TEC '%(tec)s' in %(region)s")),
    "tec_twice": Text(_("TEC %(tec)s is also on row %(other)s")),
    "station_ambiguous": Text(_("several stations in this region have this number; map the TEC column too")),
    "station_twice": Text(_("station %(number)s of %(region)s is also on row %(other)s")),
    "same_station": Text(_("the same station as row %(other)s")),
    # Findings of the checks on the official figures.
    "arithmetic_received": Text(
        _("Ballots received (%(received)s) do not equal issued (%(issued)s) + cancelled (%(cancelled)s) = %(sum)s.")
    ),
    "arithmetic_valid": Text(
        _("Valid ballots (%(valid)s) do not equal the sum of the candidates' votes (%(votes)s = %(sum)s).")
    ),
    "arithmetic_found": Text(
        _("Valid (%(valid)s) + invalid (%(invalid)s) = %(found)s ballots found exceed the %(issued)s issued.")
    ),
    "turnout_over_100": Text(
        _("Turnout %(turnout)s %%: %(issued)s ballots issued to %(voters)s registered voters"),
        labels={"turnout": _decimal},
    ),
    "turnout_over_threshold": Text(
        _(
            "Turnout %(turnout)s %%: %(issued)s ballots issued to %(voters)s registered voters; the mission's "
            "threshold is %(threshold)s %%."
        ),
        labels={"turnout": _decimal},
    ),
    "unknown_station": Text(_("Row %(row)s: no station %(number)s in %(region)s in the station list.")),
    "turnout_outlier": Text(
        _(
            "Turnout %(turnout)s %% against a median of %(median)s %% in TEC %(tec)s (%(n)s stations): robust "
            "z-score %(z)s."
        ),
        labels={"turnout": _decimal, "median": _decimal, "z": _decimal},
    ),
    "missing_station": Text(_("In the station list, not in the results.")),
    "tec_total_differs": Text(
        _("%(line)s: TEC total %(total)s, sum of its %(n)s stations' official results %(sum)s (%(difference)s)."),
        labels={"line": notice_text},
    ),
    "differs": Text(
        _("%(line)s: official %(official)s, observers' copy %(observed)s (%(difference)s)."),
        labels={"line": notice_text},
    ),
    # How the checks work, as a report's section says.
    "method": Text(
        _(
            "Official figures are checked alone (protocol arithmetic; turnout, ballots issued / registered voters, "
            "above 100 %% or the mission's threshold; turnout outliers within each TEC by a robust z-score on "
            "median and MAD, |z| > %(z)s, TECs of at least %(min)s stations; stations unknown to the list or "
            "missing from the results) and compared line by line with every counting or tabulation form carrying "
            "protocol figures."
        )
    ),
}
