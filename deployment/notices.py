"""The texts of what planning and team formation store to be read later (warnings, reasons), as notices
(jobs/notices.py): written out in the reader's language when shown."""

from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from jobs.notices import Text
from observers.notices import country_name

from .choices import PlanningBasis


def _basis(value: str) -> str:
    try:
        return str(PlanningBasis(value).label).lower()
    except ValueError:
        return value


def _at_least_one(value: bool) -> str:
    return gettext(", at least one per region") if value else ""


TEXTS = {
    # What an export log line records.
    "export_plan": Text(_("deployment plan")),
    # Planning warnings.
    "area_two_locked": Text(
        _("%(region)s is in the areas of two locked LTO teams; it stays with %(team)s in the plan.")
    ),
    "no_lto_teams": Text(_("The mission has no LTO teams: no region lies in an LTO area.")),
    "region_no_area_all_locked": Text(_("%(region)s lies in no LTO area and every LTO team is locked.")),
    "lto_team_no_area": Text(_("LTO team %(team)s has no area of responsibility.")),
    "areas_imbalanced": Text(
        _("LTO areas are imbalanced: the largest area has more than twice the average %(basis)s."),
        labels={"basis": _basis},
    ),
    "region_no_stations": Text(_("%(region)s has no polling stations: no team can go there.")),
    "locked_without_assignment": Text(_("%(team)s is locked but has no assignment: unlock it to plan it.")),
    "locked_above_quota": Text(
        ngettext_lazy(
            "%(region)s holds %(n)s locked team, above its quota of %(quota)s.",
            "%(region)s holds %(n)s locked teams, above its quota of %(quota)s.",
            "n",
        )
    ),
    "unplaced": Text(
        ngettext_lazy(
            "%(n)s STO team could not be placed because locked teams hold the seats: %(teams)s",
            "%(n)s STO teams could not be placed because locked teams hold the seats: %(teams)s",
            "n",
        )
    ),
    "region_no_sto": Text(_("%(region)s has no STO team.")),
    # Why a team is where it is.
    "assignment_planned": Text(
        _(
            "%(region)s: quota %(quota)s of %(teams)s STO teams by %(basis)s (%(weight)s of %(total)s); %(seats)s "
            "planned by the largest remainder method%(at_least_one)s. Area: TEC %(tecs)s; route of %(stations)s "
            "stations, %(urban)s urban (region %(urban_share)s urban). Tabulation at TEC %(tabulation)s, where the "
            "counting station's protocol goes."
        ),
        labels={"basis": _basis, "at_least_one": _at_least_one},
    ),
    "assignment_moved": Text(_("Moved by a coordinator to %(region)s, TEC %(tecs)s; route of %(stations)s stations.")),
    # Why team formation left someone out.
    "host_national": Text(
        _("%(name)s is a national of the host country (%(country)s) and cannot observe there."),
        labels={"country": country_name},
    ),
    "no_partner_odd": Text(_("%(name)s has no partner: an odd number of observers was left to pair.")),
    "no_partner_nationality": Text(
        _(
            "%(name)s has no partner of another nationality: only nationals of %(country)s remain, and a team "
            "must be multinational."
        ),
        labels={"country": country_name},
    ),
    "no_partner_multinational": Text(_("%(name)s has no partner that keeps every team multinational.")),
}
