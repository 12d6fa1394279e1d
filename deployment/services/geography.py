"""The mission's geography loaded once for planning: regions, neighbours, TECs and stations, with weights."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from missions.choices import AreaType
from missions.models import Mission, PollingStation, Region, Tec

from ..choices import PlanningBasis
from .allocation import natural_key


@dataclass
class StationRow:
    """One polling station, reduced to what planning needs."""

    id: int
    region_id: int
    tec_id: int
    urban: bool
    voters: int
    sort_key: tuple
    latitude: object
    longitude: object


@dataclass
class Geography:
    """The mission's regions, neighbours, TECs and stations, indexed and weighted by the planning basis."""

    regions: dict[int, dict]
    region_order: list[int]
    neighbours: dict[int, set[int]]
    tecs: dict[int, dict]
    tecs_by_region: dict[int, list[int]]
    stations: dict[int, StationRow]
    stations_by_tec: dict[int, list[int]]
    region_weight: dict[int, float]
    tec_weight: dict[int, float]
    region_urban_share: dict[int, float]


def geography_load(mission: Mission, basis: str) -> Geography:
    """Load the geography in four queries, stations sorted by TEC and number."""
    regions = {
        row["id"]: row
        for row in Region.objects.filter(mission=mission).order_by("name").values("id", "name", "code", "kind")
    }
    region_order = list(regions)
    neighbours: dict[int, set[int]] = defaultdict(set)
    through = Region.neighbours.through
    for source, target in through.objects.filter(from_region__mission=mission).values_list(
        "from_region_id", "to_region_id"
    ):
        neighbours[source].add(target)
        neighbours[target].add(source)
    tecs = {row["id"]: row for row in Tec.objects.filter(mission=mission).values("id", "code", "name", "region_id")}
    stations: dict[int, StationRow] = {}
    stations_by_tec: dict[int, list[int]] = defaultdict(list)
    rows = PollingStation.objects.filter(mission=mission).values_list(
        "id", "region_id", "tec_id", "area_type", "registered_voters", "number", "latitude", "longitude"
    )
    for station_id, region_id, tec_id, area_type, voters, number, latitude, longitude in rows.iterator(chunk_size=5000):
        tec_code = tecs[tec_id]["code"] if tec_id in tecs else ""
        stations[station_id] = StationRow(
            id=station_id,
            region_id=region_id,
            tec_id=tec_id,
            urban=area_type == AreaType.URBAN,
            voters=voters or 0,
            sort_key=(natural_key(tec_code), natural_key(number)),
            latitude=latitude,
            longitude=longitude,
        )
        stations_by_tec[tec_id].append(station_id)
    for station_ids in stations_by_tec.values():
        station_ids.sort(key=lambda station_id: stations[station_id].sort_key)
    tecs_by_region: dict[int, list[int]] = defaultdict(list)
    for tec_id in sorted(tecs, key=lambda tec_id: natural_key(tecs[tec_id]["code"])):
        if stations_by_tec.get(tec_id):
            tecs_by_region[tecs[tec_id]["region_id"]].append(tec_id)
    tec_weight: dict[int, float] = {}
    for tec_id, station_ids in stations_by_tec.items():
        if basis == PlanningBasis.VOTERS:
            tec_weight[tec_id] = float(sum(stations[s].voters for s in station_ids))
        else:
            tec_weight[tec_id] = float(len(station_ids))
    region_weight = dict.fromkeys(regions, 0.0)
    region_urban: Counter = Counter()
    region_count: Counter = Counter()
    for station in stations.values():
        region_count[station.region_id] += 1
        region_urban[station.region_id] += int(station.urban)
        region_weight[station.region_id] = region_weight.get(station.region_id, 0.0) + (
            station.voters if basis == PlanningBasis.VOTERS else 1.0
        )
    region_urban_share = {
        region_id: (region_urban[region_id] / region_count[region_id]) if region_count[region_id] else 0.0
        for region_id in regions
    }
    return Geography(
        regions=regions,
        region_order=region_order,
        neighbours=neighbours,
        tecs=tecs,
        tecs_by_region=tecs_by_region,
        stations=stations,
        stations_by_tec=stations_by_tec,
        region_weight=region_weight,
        tec_weight=tec_weight,
        region_urban_share=region_urban_share,
    )
