"""Reads for the mission map: stations coloured by coverage, team routes and incidents, within the actor's scope.

Scope comes from the same selectors as the tables: access.team_scope for the teams (and so the
plan and routes) an actor sees, submissions.selectors.submissions_visible_to for forms and incidents, and
Actor.region_ids for the stations of an observer's area. The core team sees the whole mission.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from access.rules import area_region_ids, team_scope
from checklists.choices import OBSERVATION_KINDS, FormKind
from deployment.choices import VisitPurpose
from deployment.models import PlannedVisit
from missions.clock import local_moment
from missions.models import Mission, PollingStation, Region
from observers.access import Actor
from observers.models import Team
from submissions.selectors import submissions_visible_to

from .models import MapOutline

MAP_KINDS = (FormKind.OPENING, FormKind.VOTING, FormKind.COUNTING)
INCIDENTS_ON_MAP = 500
PURPOSE_ORDER = {VisitPurpose.OPENING: 0, VisitPurpose.VOTING: 1, VisitPurpose.COUNTING: 2}
OBSERVED, PLANNED, NOT_COVERED = "observed", "planned", "not_covered"


def _coordinate(value) -> float:
    return round(float(value), 6)


def map_regions(*, mission: Mission, actor: Actor) -> list[Region]:
    """The regions an actor may filter the map by: all for the core team, the area for observers."""
    regions = Region.objects.filter(mission=mission).order_by("name")
    area = area_region_ids(actor)
    if area is not None:
        regions = regions.filter(pk__in=area)
    return list(regions)


def map_data(*, mission: Mission, actor: Actor, region_id: int | None = None, kind: str = "") -> dict:
    """Everything the map draws for this actor, in six queries whatever the mission's size."""
    kind = kind if kind in MAP_KINDS else ""
    stations = PollingStation.objects.filter(mission=mission)
    area = area_region_ids(actor)
    if area is not None:
        stations = stations.filter(region_id__in=area)
    if region_id is not None:
        stations = stations.filter(region_id=region_id)

    visible_teams = Team.objects.filter(team_scope(actor))
    visits = PlannedVisit.objects.filter(assignment__mission=mission, assignment__team__in=visible_teams)
    if kind:
        visits = visits.filter(purpose=kind)
    if region_id is not None:
        visits = visits.filter(polling_station__region_id=region_id)
    visits = visits.values_list(
        "polling_station_id",
        "assignment__team__code",
        "purpose",
        "order",
        "polling_station__latitude",
        "polling_station__longitude",
    ).order_by("assignment__team__code", "id")

    forms = submissions_visible_to(actor=actor).filter(mission=mission)
    if region_id is not None:
        forms = forms.filter(region_id=region_id)
    observed_forms = forms.filter(kind=kind) if kind else forms.filter(kind__in=OBSERVATION_KINDS)
    observed = set(
        observed_forms.filter(polling_station__isnull=False).values_list("polling_station_id", flat=True).distinct()
    )

    planned: set[int] = set()
    routes: dict[str, list[tuple[int, int, float, float]]] = {}
    for station_id, team_code, purpose, order, latitude, longitude in visits:
        planned.add(station_id)
        if latitude is not None and longitude is not None:
            point = (PURPOSE_ORDER.get(purpose, 1), order, _coordinate(latitude), _coordinate(longitude))
            routes.setdefault(team_code, []).append(point)

    points, counts, without_coordinates = [], {OBSERVED: 0, PLANNED: 0, NOT_COVERED: 0}, 0
    for station_id, number, station_region_id, latitude, longitude in stations.values_list(
        "id", "number", "region_id", "latitude", "longitude"
    ).order_by("region_id", "number"):
        status = OBSERVED if station_id in observed else PLANNED if station_id in planned else NOT_COVERED
        counts[status] += 1
        if latitude is None or longitude is None:
            without_coordinates += 1
            continue
        points.append([_coordinate(latitude), _coordinate(longitude), status, number, station_region_id])

    flagged = forms.filter(Q(urgent=True) | Q(has_critical=True) | Q(kind=FormKind.INCIDENT))
    if kind:
        flagged = flagged.filter(kind=kind)
    incidents = []
    for row in flagged.order_by("-received_at", "-id").values(
        "id",
        "uuid",
        "kind",
        "received_at",
        "urgent",
        "team__code",
        "polling_station__number",
        "polling_station__latitude",
        "polling_station__longitude",
    )[:INCIDENTS_ON_MAP]:
        if row["polling_station__latitude"] is None or row["polling_station__longitude"] is None:
            continue
        incidents.append(
            {
                "lat": _coordinate(row["polling_station__latitude"]),
                "lon": _coordinate(row["polling_station__longitude"]),
                "kind": row["kind"],
                "team": row["team__code"] or "",
                "station": row["polling_station__number"] or "",
                "received": local_moment(row["received_at"], mission),
                "urgent": row["urgent"],
                "url": reverse("observe:submission_detail", args=[mission.slug, row["uuid"]]),
            }
        )

    outline = MapOutline.objects.filter(mission=mission).values_list("geojson", flat=True).first()
    return {
        "stations": points,
        "counts": {**counts, "without_coordinates": without_coordinates},
        "routes": [
            {"team": code, "points": [[lat, lon] for _purpose, _order, lat, lon in sorted(route)]}
            for code, route in sorted(routes.items())
        ],
        "incidents": incidents,
        "outlines": outline or None,
    }
