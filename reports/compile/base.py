"""What every compilation phase shares: the snapshot filter, the scope of one compilation, and counters by cell.

A cell is (region code, urban/rural). A submission copies its region and area type from its polling station, so a
station lies in exactly one cell and distinct-station counts summed over cells are exact.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from checklists.choices import OBSERVATION_KINDS, Assessment, FormKind
from missions.clock import local_zone
from missions.models import Region
from tallies.cells import ANSWERED as ANSWERED
from tallies.cells import SUMMARISED_TYPES as SUMMARISED_TYPES
from tallies.cells import VOTERS_ON_LIST as VOTERS_ON_LIST
from tallies.cells import VOTERS_VOTED as VOTERS_VOTED

from ..conflicts import decisions_as_of, excluded_forms
from ..figures import percent, wilson_bounds, wilson_percent

# ANSWERED marks an answered integer, time or text question (SUMMARISED_TYPES) in the aggregate: those are
# summarised, not tallied by value. Defined with the running tallies, which group answers the same way.
UNKNOWN_REGION = ""
ASSESSMENT_VALUES = [choice.value for choice in Assessment]
STATION_KINDS = (FormKind.OPENING, FormKind.VOTING, FormKind.COUNTING)


def wilson_interval(successes: int, n: int) -> tuple[float, float]:
    """The Wilson score interval of a proportion, as fractions in [0, 1]; (0, 0) when n is 0."""
    low, high = wilson_bounds(successes, n)
    return (float(low), float(high))


def share(count: int, n: int) -> dict:
    """Count, percentage and 95 % Wilson interval (in per cent) of one share, each rounded half up."""
    return {"count": count, "n": n, "pct": percent(count, n), "ci": wilson_percent(count, n)}


def area_key(value) -> str:
    """The urban/rural key of a cell: blank when the station's area type is not known."""
    return value or ""


def forms_as_of(*, mission, kinds, at, region=None, prefix: str = "") -> Q:
    """The revisions a compilation as of `at` counts: each form received by then, as it stood then.

    A filter on SubmissionRevision (prefix "revision__" from RevisionAnswer): the one revision of each form that was
    current at `at`, with that revision's place, flags and confidentiality (confidential records never count).
    """
    conditions = {
        f"{prefix}mission": mission,
        f"{prefix}kind__in": list(kinds),
        f"{prefix}confidential": False,
        f"{prefix}valid_from__lte": at,
    }
    if region is not None:
        conditions[f"{prefix}region"] = region
    return Q(**conditions) & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gt": at}))


def snapshot_description(at: datetime, mission) -> dict:
    """The moment a compilation counts forms as of, in UTC and the mission's local time, with the sentence to show."""
    zone = local_zone(mission)
    local = at.astimezone(zone)
    return {
        "at": at.isoformat(),
        "local": local.strftime("%Y-%m-%d %H:%M"),
        "time_zone": zone.key,
    }


class Cells:
    """Counters keyed by (region code, area type) with totals by region, by area and overall."""

    def __init__(self):
        self.cells: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, region: str, area: str, **values: int) -> None:
        cell = self.cells[(region, area)]
        for name, value in values.items():
            cell[name] += value or 0

    def total(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for cell in self.cells.values():
            for name, value in cell.items():
                out[name] += value
        return dict(out)

    def by(self, axis: int) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for key, cell in self.cells.items():
            for name, value in cell.items():
                out[key[axis]][name] += value
        return {group: dict(values) for group, values in out.items()}


class Extremes:
    """The smallest and largest integer answer per (region code, area type), combined by region, by area, overall."""

    def __init__(self):
        self.cells: dict[tuple[str, str], tuple[int, int]] = {}

    def add(self, region: str, area: str, *, low: int, high: int) -> None:
        key = (region, area)
        if key in self.cells:
            low, high = min(low, self.cells[key][0]), max(high, self.cells[key][1])
        self.cells[key] = (low, high)

    @staticmethod
    def _combine(pairs) -> tuple[int | None, int | None]:
        pairs = list(pairs)
        if not pairs:
            return (None, None)
        return (min(low for low, _high in pairs), max(high for _low, high in pairs))

    def total(self) -> tuple[int | None, int | None]:
        return self._combine(self.cells.values())

    def by(self, axis: int) -> dict[str, tuple[int | None, int | None]]:
        keys = {key[axis] for key in self.cells}
        return {group: self._combine(pair for key, pair in self.cells.items() if key[axis] == group) for group in keys}


@dataclass
class Scope:
    """What one compilation counts: the mission, kinds, region and moment, and the filters that select those forms.

    `base` filters SubmissionRevision and `answer_base` RevisionAnswer: the forms as they stood at `cutoff`, less the
    forms a coordinator's conflict decision set aside. `detect`/`answer_detect` keep those forms (conflict detection
    must still see them). `regions` are the mission's regions (or the one asked for) in name order.
    """

    mission: object
    kinds: list[str]
    region: object
    cutoff: datetime
    detect: Q
    answer_detect: Q
    base: Q
    answer_base: Q
    decisions: dict
    regions: list[dict] = field(default_factory=list)

    def __post_init__(self):
        self._region_code = {row["id"]: row["code"] for row in self.regions}

    def rkey(self, region_id) -> str:
        """The region code of a region id (blank for a form without a known region)."""
        return self._region_code.get(region_id, UNKNOWN_REGION) if region_id else UNKNOWN_REGION


def scope_build(*, mission, kinds, region, cutoff) -> Scope:
    """Phase 0: the scope of a compilation (two queries: the coordinators' decisions and the regions)."""
    kinds = sorted(set(kinds or OBSERVATION_KINDS), key=lambda kind: list(OBSERVATION_KINDS).index(kind))
    detect = forms_as_of(mission=mission, kinds=kinds, region=region, at=cutoff)
    answer_detect = forms_as_of(mission=mission, kinds=kinds, region=region, at=cutoff, prefix="revision__")
    # Conflicts between teams a coordinator decided by marking one form right: the others no longer count.
    decisions = decisions_as_of(mission=mission, at=cutoff)
    excluded = excluded_forms(decisions)
    base = detect & ~Q(submission_id__in=excluded) if excluded else detect
    answer_base = answer_detect & ~Q(revision__submission_id__in=excluded) if excluded else answer_detect
    region_rows = Region.objects.filter(mission=mission)
    if region is not None:
        region_rows = region_rows.filter(pk=region.pk)
    regions = sorted(region_rows.values("id", "code", "name"), key=lambda row: (row["name"], row["code"]))
    return Scope(
        mission=mission,
        kinds=kinds,
        region=region,
        cutoff=cutoff,
        detect=detect,
        answer_detect=answer_detect,
        base=base,
        answer_base=answer_base,
        decisions=decisions,
        regions=regions,
    )
