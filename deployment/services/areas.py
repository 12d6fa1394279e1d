"""LTO areas of responsibility: every region in exactly one LTO team's area, balanced, neighbours grouped."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from simple_history.utils import bulk_update_with_history

from jobs.notices import notice
from missions.choices import RegionKind
from missions.models import Mission
from observers.choices import TeamKind
from observers.models import Team

from .geography import Geography
from .result import PlanResult


def lto_areas_plan(mission: Mission, geo: Geography, result: PlanResult) -> tuple[dict, dict, Callable]:
    """Give every region to exactly one LTO team, keeping valid existing areas.

    Returns (region id -> LTO team id, LTO team id -> code, a function that writes the changed areas)."""
    teams = list(Team.objects.filter(mission=mission, kind=TeamKind.LTO).order_by("code"))
    codes = {team.pk: team.code for team in teams}
    through = Team.area_regions.through
    current: dict[int, list[int]] = defaultdict(list)
    for team_id, region_id in through.objects.filter(team__in=[t.pk for t in teams]).values_list(
        "team_id", "region_id"
    ):
        current[team_id].append(region_id)
    owner: dict[int, int] = {}
    areas: dict[int, set[int]] = {team.pk: set() for team in teams}
    # Locked teams claim their regions first; among the rest, the team with the lower code keeps a shared region.
    for team in sorted(teams, key=lambda t: (not t.locked, t.code)):
        for region_id in sorted(current[team.pk]):
            if region_id in owner:
                if team.locked:
                    result.warnings.append(
                        notice(
                            "deployment.area_two_locked",
                            region=geo.regions[region_id]["name"],
                            team=codes[owner[region_id]],
                        )
                    )
                continue
            owner[region_id] = team.pk
            areas[team.pk].add(region_id)
    if not teams:
        if geo.regions:
            result.warnings.append(notice("deployment.no_lto_teams"))
        return owner, codes, lambda: None
    free_teams = [team for team in teams if not team.locked]
    unowned = [region_id for region_id in geo.region_order if region_id not in owner]
    if unowned and not free_teams:
        for region_id in unowned:
            result.warnings.append(
                notice("deployment.region_no_area_all_locked", region=geo.regions[region_id]["name"])
            )
    elif unowned:
        _grow_areas(geo, unowned, free_teams, areas, owner)
    load = {team.pk: sum(geo.region_weight.get(r, 0.0) for r in areas[team.pk]) for team in teams}
    # The areas of unlocked teams that changed, and their base city, are written with the rest of the plan.
    removed, added, changed_teams = [], [], []
    for team in free_teams:
        before, after = set(current[team.pk]), areas[team.pk]
        removed.extend((team.pk, region_id) for region_id in before - after)
        added.extend(through(team_id=team.pk, region_id=region_id) for region_id in sorted(after - before))
        base_city = _base_city(geo, after)
        if (before != after or not team.base_city) and base_city and team.base_city != base_city:
            team.base_city = base_city
            changed_teams.append(team)

    def apply() -> None:
        for team_id in {team_id for team_id, _ in removed}:
            through.objects.filter(team_id=team_id, region_id__in=[r for t, r in removed if t == team_id]).delete()
        if added:
            through.objects.bulk_create(added)
        if changed_teams:
            bulk_update_with_history(changed_teams, Team, ["base_city"], batch_size=500)

    for team in teams:
        if not areas[team.pk]:
            result.warnings.append(notice("deployment.lto_team_no_area", team=team.code))
        result.lto_areas.append(
            {
                "team": team.code,
                "locked": team.locked,
                "base_city": team.base_city,
                "regions": sorted(geo.regions[r]["name"] for r in areas[team.pk]),
                "load": round(load[team.pk], 1),
            }
        )
    loads = [load[team.pk] for team in teams if areas[team.pk]]
    if len(loads) > 1 and min(loads) > 0 and max(loads) / (sum(loads) / len(loads)) > 2.0:
        result.warnings.append(notice("deployment.areas_imbalanced", basis=result.basis))
    return owner, codes, apply


def _grow_areas(geo: Geography, unowned: list[int], free_teams: list[Team], areas: dict, owner: dict) -> None:
    """Place unowned regions by merging the cheapest pair of areas until each unlocked team has one.

    Start with every unowned region as an area of its own; while there are more such areas than empty
    unlocked teams, merge the pair with the smallest combined weight, where a pair that does not share a
    border costs an average area more (so neighbours group unless balance strongly argues otherwise).
    A region may join an unlocked team's existing area; two teams' areas never merge.
    """
    total = sum(geo.region_weight.values())
    penalty = total / max(1, len(areas))  # an average area
    names = geo.regions
    loose: list[set[int]] = [{region_id} for region_id in unowned]
    team_areas = {team.pk: areas[team.pk] for team in free_teams}
    empty_teams = [team for team in free_teams if not areas[team.pk]]

    def weight(area: set[int]) -> float:
        return sum(geo.region_weight.get(r, 0.0) for r in area)

    def adjacent(first: set[int], second: set[int]) -> bool:
        return any(geo.neighbours.get(r, set()) & second for r in first)

    def label(area: set[int]) -> str:
        return min(names[r]["name"] for r in area)

    while len(loose) > len(empty_teams):
        best = None
        for index, area in enumerate(loose):
            for other_index in range(index + 1, len(loose)):
                other = loose[other_index]
                cost = weight(area) + weight(other) + (0.0 if adjacent(area, other) else penalty)
                key = (cost, label(area), label(other))
                if best is None or key < best[0]:
                    best = (key, "loose", index, other_index)
            for team in free_teams:
                if not team_areas[team.pk]:
                    continue
                cost = weight(area) + weight(team_areas[team.pk])
                cost += 0.0 if adjacent(area, team_areas[team.pk]) else penalty
                key = (cost, label(area), team.code)
                if best is None or key < best[0]:
                    best = (key, "team", index, team.pk)
        _key, how, index, target = best
        area = loose.pop(index)
        if how == "loose":
            loose[target - 1] |= area
        else:
            team_areas[target] |= area
            for region_id in area:
                owner[region_id] = target
    # The heaviest remaining area goes to the first empty team by code, and so on.
    loose.sort(key=lambda area: (-weight(area), label(area)))
    for team, area in zip(empty_teams, loose, strict=False):
        team_areas[team.pk] |= area
        for region_id in area:
            owner[region_id] = team.pk


def _base_city(geo: Geography, region_ids: set[int]) -> str:
    """The base of an LTO area: its largest region's name if it is a city, else that region's largest TEC."""
    if not region_ids:
        return ""
    largest = max(region_ids, key=lambda r: (geo.region_weight.get(r, 0.0), geo.regions[r]["name"]))
    region = geo.regions[largest]
    if region["kind"] == RegionKind.CITY or not geo.tecs_by_region.get(largest):
        return region["name"][:120]
    tec_ids = geo.tecs_by_region[largest]
    # The regional centre: a TEC named after a city, else the one with the most urban stations.
    named_city = [t for t in tec_ids if geo.tecs[t]["name"].lower().endswith(" city")]
    if named_city:
        return geo.tecs[named_city[0]]["name"][: -len(" city")][:120]

    def urban_stations(tec_id: int) -> tuple:
        stations = geo.stations_by_tec[tec_id]
        return (sum(1 for s in stations if geo.stations[s].urban), len(stations), -tec_ids.index(tec_id))

    return geo.tecs[max(tec_ids, key=urban_stations)]["name"][:120]
