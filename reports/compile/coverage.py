"""Phase 2, coverage: observations, distinct stations and TECs, flags and overall assessments per kind and cell.

Two ways that give the same CoverageTally: `coverage_count` reads one row per (kind, polling station) from the
revisions (the recount, the verifier: it grows with the forms); `coverage_from_tallies` (reports.compile.tallied)
reads the running tallies' cells (bounded by the places, stations, TECs and teams). A distinct station is counted
once per kind and cell whatever TEC its forms named.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from checklists.choices import NEGATIVE_ASSESSMENTS
from missions.models import PollingStation
from observers.choices import TeamKind
from observers.models import Team
from submissions.models import SubmissionRevision

from ..figures import percent
from .base import ASSESSMENT_VALUES, Cells, Scope, area_key, share


@dataclass
class CoverageTally:
    """The counts of the coverage phase, by kind and cell, before they are summarised.

    `per_kind[kind]` holds observations, stations, urgent, critical, incident (urgent or critical), mismatch and
    negative_stations per cell;
    `assessments[kind][value]` the forms giving each overall assessment; `observed` the distinct stations observed
    across kinds and `stations` every station of the mission (or region), per cell.
    """

    per_kind: dict[str, Cells] = field(default_factory=lambda: defaultdict(Cells))
    assessments: dict[str, dict[str, Cells]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(Cells)))
    tecs: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    tecs_by_region: dict[str, dict[str, set[int]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
    observed: Cells = field(default_factory=Cells)
    stations: Cells = field(default_factory=Cells)
    # The teams with a form in the snapshot, when the source knows them (the tallies); None: teams_count looks.
    teams: set[int] | None = None


def coverage_count(scope: Scope) -> CoverageTally:
    """Count the snapshot's forms per (kind, station) and the mission's stations per cell (two queries)."""
    rows = (
        SubmissionRevision.objects.filter(scope.base)
        .values("kind", "polling_station_id", "tec_id", "region_id", "area_type")
        .annotate(
            observations=Count("id"),
            # Before `urgent`, whose name would otherwise stand for that count rather than the form's flag.
            incident=Count("id", filter=Q(urgent=True) | Q(has_critical=True)),
            urgent=Count("id", filter=Q(urgent=True)),
            critical=Count("id", filter=Q(has_critical=True)),
            mismatch=Count("id", filter=Q(protocol_mismatch=True)),
            **{f"assessed_{value}": Count("id", filter=Q(overall_assessment=value)) for value in ASSESSMENT_VALUES},
        )
        .order_by()
    )
    tally = CoverageTally()
    observed_stations: dict[tuple[str, str], set[int]] = defaultdict(set)
    # (kind, cell) -> the distinct stations observed, and those with a negative assessment: a station whose forms
    # named two TECs (its TEC changed between them) is still one station.
    kind_stations: dict[tuple[str, tuple[str, str]], set[int]] = defaultdict(set)
    negative_stations: dict[tuple[str, tuple[str, str]], set[int]] = defaultdict(set)
    for row in rows:
        cell = (scope.rkey(row["region_id"]), area_key(row["area_type"]))
        # Distinct TECs per kind and per (kind, region): a TEC lies in one region but spans urban and rural stations.
        if row["tec_id"]:
            tally.tecs[row["kind"]].add(row["tec_id"])
            tally.tecs_by_region[row["kind"]][cell[0]].add(row["tec_id"])
        station = row["polling_station_id"]
        negative = sum(row[f"assessed_{value}"] for value in NEGATIVE_ASSESSMENTS)
        for value in ASSESSMENT_VALUES:
            if row[f"assessed_{value}"]:
                tally.assessments[row["kind"]][value].add(*cell, count=row[f"assessed_{value}"])
        tally.per_kind[row["kind"]].add(
            *cell,
            observations=row["observations"],
            urgent=row["urgent"],
            critical=row["critical"],
            incident=row["incident"],
            mismatch=row["mismatch"],
        )
        if station:
            observed_stations[cell].add(station)
            kind_stations[(row["kind"], cell)].add(station)
            if negative:
                negative_stations[(row["kind"], cell)].add(station)
    for kind, cells in tally.per_kind.items():
        for cell in list(cells.cells):
            cells.add(
                *cell,
                stations=len(kind_stations.get((kind, cell), ())),
                negative_stations=len(negative_stations.get((kind, cell), ())),
            )
    for cell, stations in observed_stations.items():
        tally.observed.add(*cell, stations=len(stations))
    stations_count(scope, tally)
    return tally


def stations_count(scope: Scope, tally: CoverageTally) -> None:
    """Add the mission's (or region's) polling stations per cell to `tally` (one query)."""
    station_rows = PollingStation.objects.filter(mission=scope.mission)
    if scope.region is not None:
        station_rows = station_rows.filter(region=scope.region)
    for row in station_rows.values("region_id", "area_type").annotate(count=Count("id")):
        tally.stations.add(scope.rkey(row["region_id"]), area_key(row["area_type"]), stations=row["count"])


def coverage_summary(tally: CoverageTally, kinds) -> dict:
    """Observations per kind and the share of the mission's stations observed, overall, by region and by area."""
    observed_region, total_region = tally.observed.by(0), tally.stations.by(0)
    observed_area, total_area = tally.observed.by(1), tally.stations.by(1)

    def cover(observed: dict, total: dict) -> dict:
        out = {}
        for key in sorted(set(observed) | set(total)):
            seen = observed.get(key, {}).get("stations", 0)
            stations = total.get(key, {}).get("stations", 0)
            out[key] = {"observed": seen, "stations": stations, "pct": percent(seen, stations)}
        return out

    per_kind = tally.per_kind
    observed_total = tally.observed.total().get("stations", 0)
    stations_total = tally.stations.total().get("stations", 0)
    observations = {kind: per_kind[kind].total().get("observations", 0) if kind in per_kind else 0 for kind in kinds}
    return {
        "observations": observations,
        "observations_total": sum(observations.values()),
        "stations": {
            "observed": observed_total,
            "stations": stations_total,
            "pct": percent(observed_total, stations_total),
        },
        "by_region": cover(observed_region, total_region),
        "by_area": cover(observed_area, total_area),
    }


def kind_cover(groups: dict[str, dict[str, int]], tecs: dict[str, int] | None) -> dict[str, dict[str, int]]:
    """Observations and distinct stations (and TECs, by region) of one kind per group."""
    out = {}
    for key, values in sorted(groups.items()):
        out[key] = {"observations": values.get("observations", 0), "stations": values.get("stations", 0)}
        if tecs is not None:
            out[key]["tecs"] = tecs.get(key, 0)
    return out


def assessment_summary(cells_by_value: dict[str, Cells], kind_cells: Cells) -> dict:
    """The overall assessment of one kind: counts and shares of each value, and the negative share with stations."""

    def summary(counts: dict[str, int], negative_stations: int) -> dict:
        n = sum(counts.values())
        negative = sum(counts.get(value, 0) for value in NEGATIVE_ASSESSMENTS)
        return {
            "n": n,
            "counts": {value: counts.get(value, 0) for value in ASSESSMENT_VALUES},
            "pct": {value: percent(counts.get(value, 0), n) for value in ASSESSMENT_VALUES},
            "negative": {**share(negative, n), "stations": negative_stations},
        }

    def grouped(axis: int) -> dict:
        by_value = {value: cells.by(axis) for value, cells in cells_by_value.items()}
        negative_stations = kind_cells.by(axis)
        keys = sorted({key for groups in by_value.values() for key in groups})
        return {
            key: summary(
                {value: groups.get(key, {}).get("count", 0) for value, groups in by_value.items()},
                negative_stations.get(key, {}).get("negative_stations", 0),
            )
            for key in keys
        }

    overall = summary(
        {value: cells.total().get("count", 0) for value, cells in cells_by_value.items()},
        kind_cells.total().get("negative_stations", 0),
    )
    return {**overall, "by_region": grouped(0), "by_area": grouped(1)}


def teams_count(scope: Scope, reported: set[int] | None = None) -> dict:
    """Phase: the observer teams deployed in the scope, how many reported and the codes of those that did not.

    `reported`, when given, holds the teams with a form in the snapshot (read from the running tallies with the
    coverage); otherwise each team's forms are looked for among the revisions.
    """
    teams = Team.objects.filter(mission=scope.mission, kind=TeamKind.STO)
    region = scope.region
    if region is not None:
        # Deployed in the region: planned there; a team without a plan yet counts where its LTO team's area reaches.
        # A team planned to another region of the same LTO area is not this region's (it cannot report here).
        unplanned_here = Team.objects.filter(assignment__isnull=True, lto_team__area_regions=region)
        teams = teams.filter(Q(assignment__region=region) | Q(pk__in=unplanned_here.values("pk")))
    if reported is not None:
        rows = [(code, team in reported) for team, code in teams.values_list("pk", "code")]
    else:
        rows = list(
            teams.annotate(
                reported=Exists(SubmissionRevision.objects.filter(scope.base, team=OuterRef("pk")))
            ).values_list("code", "reported")
        )
    return {
        "total": len(rows),
        "reported": sum(1 for _code, reported in rows if reported),
        "not_reported": sorted(code for code, reported in rows if not reported),
    }
