"""The deployment plan: LTO areas of responsibility, STO teams to regions and TECs, and their planned routes.

The planner loads the mission's geography and the current plan in a fixed number of queries, decides in
memory, and writes with bulk operations. It is deterministic for a seed and stable: locked teams and
assignments are never touched, valid existing assignments are kept, and only what is missing or invalid
(or surplus in a region whose quota shrank) is planned again.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from access import Actor
from jobs.notices import listed, notice, notice_dumps
from missions.models import Mission
from observers.choices import TeamKind
from observers.models import Team

from ..choices import PlanningBasis, VisitPurpose
from ..models import PlannedVisit, TeamAssignment
from .allocation import balanced_groups, largest_remainder, route_order
from .areas import lto_areas_plan
from .geography import Geography, geography_load
from .guard import require_planner
from .result import PlanResult

ProgressCallback = Callable[[int], None]
MAX_ROUTE_LENGTH = 40


@dataclass
class _Existing:
    id: int
    team_id: int
    region_id: int
    locked: bool
    tabulation_tec_id: int | None
    tec_ids: set[int] = field(default_factory=set)
    visits: list[tuple[int, str, int]] = field(default_factory=list)  # (station id, purpose, order)

    def station_ids(self) -> set[int]:
        return {station_id for station_id, _purpose, _order in self.visits}


def _route_of(existing: _Existing) -> list[int]:
    return [s for s, purpose, _ in sorted(existing.visits, key=lambda v: v[2]) if purpose == VisitPurpose.VOTING]


def _is_valid(existing: _Existing, geo: Geography, route_length: int) -> bool:
    """An existing assignment is kept when its region, TECs and route still make a complete plan."""
    if existing.region_id not in geo.tecs_by_region or not existing.tec_ids:
        return False
    if any(geo.tecs.get(t, {}).get("region_id") != existing.region_id for t in existing.tec_ids):
        return False
    route = _route_of(existing)
    available = sum(len(geo.stations_by_tec[t]) for t in geo.tecs_by_region[existing.region_id])
    if len(route) != min(route_length, available) or len(set(route)) != len(route):
        return False
    openings = [s for s, purpose, _ in existing.visits if purpose == VisitPurpose.OPENING]
    countings = [s for s, purpose, _ in existing.visits if purpose == VisitPurpose.COUNTING]
    if openings != [route[0]] or countings != [route[-1]]:
        return False
    if any(s not in geo.stations or geo.stations[s].tec_id not in existing.tec_ids for s in route):
        return False
    return existing.tabulation_tec_id == geo.stations[route[-1]].tec_id


def _load_existing(mission: Mission) -> dict[int, _Existing]:
    by_team: dict[int, _Existing] = {}
    by_id: dict[int, _Existing] = {}
    for row in TeamAssignment.objects.filter(mission=mission).values(
        "id", "team_id", "region_id", "locked", "tabulation_tec_id"
    ):
        existing = _Existing(
            id=row["id"],
            team_id=row["team_id"],
            region_id=row["region_id"],
            locked=row["locked"],
            tabulation_tec_id=row["tabulation_tec_id"],
        )
        by_team[existing.team_id] = existing
        by_id[existing.id] = existing
    for assignment_id, tec_id in TeamAssignment.tecs.through.objects.filter(
        teamassignment__mission=mission
    ).values_list("teamassignment_id", "tec_id"):
        by_id[assignment_id].tec_ids.add(tec_id)
    for assignment_id, station_id, purpose, order in PlannedVisit.objects.filter(
        assignment__mission=mission
    ).values_list("assignment_id", "polling_station_id", "purpose", "order"):
        by_id[assignment_id].visits.append((station_id, purpose, order))
    return by_team


class RoutePlanner:
    """Picks routes inside a region: unused stations first, the region's urban/rural mix, seeded choice."""

    def __init__(self, geo: Geography, rng: random.Random, route_length: int):
        self.geo = geo
        self.rng = rng
        self.route_length = route_length
        self.usage: Counter = Counter()

    def reserve(self, station_ids) -> None:
        self.usage.update(station_ids)

    def _available(self, tec_ids) -> tuple[list[int], list[int]]:
        urban, rural = [], []
        for tec_id in tec_ids:
            for station_id in self.geo.stations_by_tec[tec_id]:
                if not self.usage[station_id]:
                    (urban if self.geo.stations[station_id].urban else rural).append(station_id)
        return urban, rural

    def plan(self, region_id: int, tec_ids: list[int]) -> list[int]:
        share = self.geo.region_urban_share.get(region_id, 0.0)
        want_urban = round(self.route_length * share)
        want = {True: want_urban, False: self.route_length - want_urban}
        urban, rural = self._available(tec_ids)
        own = {True: urban, False: rural}
        more: dict[bool, list[int]] = {}

        def others(kind: bool) -> list[int]:
            # The region's other TECs are only scanned when the team's own run short.
            if not more:
                other_tecs = [t for t in self.geo.tecs_by_region[region_id] if t not in tec_ids]
                more[True], more[False] = self._available(other_tecs)
            return more[kind]

        chosen: list[int] = []
        # The mix first: each kind from the team's own TECs, then from the region's other TECs.
        for kind in (True, False):
            take = min(want[kind], len(own[kind]))
            chosen += self.rng.sample(own[kind], take)
            if take < want[kind]:
                pool = others(kind)
                chosen += self.rng.sample(pool, min(want[kind] - take, len(pool)))
        # Then whatever the region still has, own TECs first.
        for pool in (own[True] + own[False], None):
            if len(chosen) >= self.route_length:
                break
            pool = pool if pool is not None else others(True) + others(False)
            taken = set(chosen)
            spare = [s for s in pool if s not in taken]
            chosen += self.rng.sample(spare, min(self.route_length - len(chosen), len(spare)))
        if len(chosen) < self.route_length:
            # More teams than stations in the region: share the least-visited stations.
            taken = set(chosen)
            spare = sorted(
                (s for t in self.geo.tecs_by_region[region_id] for s in self.geo.stations_by_tec[t] if s not in taken),
                key=lambda s: (self.usage[s], self.geo.stations[s].sort_key),
            )
            chosen += spare[: self.route_length - len(chosen)]
        self.reserve(chosen)
        ordered = route_order(
            [
                (s, self.geo.stations[s].sort_key, self.geo.stations[s].latitude, self.geo.stations[s].longitude)
                for s in chosen
            ]
        )
        return [item[0] for item in ordered]


def _tec_slots(geo: Geography, region_id: int, teams: int) -> list[list[int]]:
    """The areas inside a region for `teams` teams: contiguous TEC groups, or TECs shared when teams outnumber them."""
    tec_ids = geo.tecs_by_region.get(region_id, [])
    if not tec_ids or teams <= 0:
        return []
    if teams <= len(tec_ids):
        return balanced_groups(tec_ids, [geo.tec_weight.get(t, 0.0) for t in tec_ids], teams)
    seats, _ = largest_remainder(
        {t: geo.tec_weight.get(t, 0.0) for t in tec_ids}, teams, at_least_one=True, order=tec_ids
    )
    return [[tec_id] for tec_id in tec_ids for _ in range(seats[tec_id])]


@dataclass
class PlanningState:
    """What the phases of one planning run share: its inputs, what each phase decided, and the result so far.

    The run's parameters (basis, route length, seed) are the result's; the state does not hold a second copy."""

    mission: Mission
    geo: Geography
    teams: list[Team]  # the mission's STO teams, in code order
    existing: dict[int, _Existing]  # the current assignments, by team id
    planner: RoutePlanner
    result: PlanResult
    plannable: list[int] = field(default_factory=list)  # regions with polling stations, in region order
    seats: dict[int, int] = field(default_factory=dict)  # region id -> teams it gets
    quotas: dict[int, float] = field(default_factory=dict)  # region id -> its exact share of the teams
    kept: dict[int, _Existing] = field(default_factory=dict)  # team id -> the assignment it keeps
    kept_in_region: Counter = field(default_factory=Counter)
    to_place: list[Team] = field(default_factory=list)
    openings: list[int] = field(default_factory=list)  # one region id per free seat, in region order
    new_region: dict[int, int] = field(default_factory=dict)  # team id -> the region it is newly planned in
    unplaced: list[Team] = field(default_factory=list)  # teams to place that found no free seat

    @property
    def basis(self) -> str:
        return self.result.basis

    @property
    def route_length(self) -> int:
        return self.result.route_length


def planning_state_load(*, mission: Mission, geo: Geography, result: PlanResult) -> PlanningState:
    """The state a planning run starts from: the mission's STO teams, its current plan, and a seeded route planner."""
    return PlanningState(
        mission=mission,
        geo=geo,
        teams=list(Team.objects.filter(mission=mission, kind=TeamKind.STO).order_by("code")),
        existing=_load_existing(mission),
        planner=RoutePlanner(geo, random.Random(result.seed), result.route_length),
        result=result,
    )


def plan_arguments_check(*, basis: str, route_length) -> None:
    """Refuse an unknown basis or a route length out of range (each named) before anything is read."""
    errors = []
    if basis not in PlanningBasis.values:
        errors.append(
            _("Unknown planning basis %(basis)r: use one of %(bases)s.")
            % {"basis": basis, "bases": ", ".join(PlanningBasis.values)}
        )
    if not isinstance(route_length, int) or not 1 <= route_length <= MAX_ROUTE_LENGTH:
        errors.append(
            _("The route length must be a whole number from 1 to %(longest)s.") % {"longest": MAX_ROUTE_LENGTH}
        )
    if errors:
        raise ValidationError(errors)


def geography_check(*, mission: Mission, geo: Geography) -> None:
    """Refuse to plan a mission without regions or polling stations."""
    if not geo.regions:
        raise ValidationError(
            gettext_lazy("%(mission)s has no regions yet: import the geography before planning."),
            params={"mission": mission.name},
        )
    if not geo.stations:
        raise ValidationError(
            gettext_lazy("%(mission)s has no polling stations yet: import them before planning."),
            params={"mission": mission.name},
        )


def seats_allot(state: PlanningState) -> None:
    """Share the STO teams among the regions with stations by weight (largest remainder, one each if enough)."""
    geo, teams = state.geo, state.teams
    state.plannable = [r for r in geo.region_order if geo.tecs_by_region.get(r)]
    for region_id in geo.region_order:
        if region_id not in state.plannable:
            state.result.warnings.append(notice("deployment.region_no_stations", region=geo.regions[region_id]["name"]))
    state.seats, state.quotas = largest_remainder(
        {r: geo.region_weight.get(r, 0.0) for r in state.plannable},
        len(teams),
        at_least_one=len(teams) >= len(state.plannable),
        order=state.plannable,
    )


def assignments_keep(state: PlanningState) -> None:
    """Keep locked assignments (whatever they hold), then valid unlocked ones while their region has room."""
    geo, teams, existing, planner, result = state.geo, state.teams, state.existing, state.planner, state.result
    seats, kept, kept_in_region = state.seats, state.kept, state.kept_in_region
    locked_ids = [t.pk for t in teams if t.pk in existing and (t.locked or existing[t.pk].locked)]
    for team_id in locked_ids:
        assignment = existing[team_id]
        kept[team_id] = assignment
        kept_in_region[assignment.region_id] += 1
        planner.reserve(assignment.station_ids())
    for team in teams:
        if team.locked and team.pk not in existing:
            result.warnings.append(notice("deployment.locked_without_assignment", team=team.code))
    for region_id, count in kept_in_region.items():
        if region_id in seats and count > seats[region_id]:
            result.warnings.append(
                notice(
                    "deployment.locked_above_quota",
                    region=geo.regions[region_id]["name"],
                    n=count,
                    quota=f"{state.quotas[region_id]:.2f}",
                )
            )
    for team in teams:
        assignment = existing.get(team.pk)
        if team.pk in kept or assignment is None or team.locked:
            continue
        region_id = assignment.region_id
        if region_id not in seats or kept_in_region[region_id] >= seats[region_id]:
            continue
        stations = assignment.station_ids()
        # Sharing is allowed where the region has fewer stations than its teams' routes need.
        region_stations = sum(len(geo.stations_by_tec[t]) for t in geo.tecs_by_region[region_id])
        must_share = seats[region_id] * state.route_length > region_stations
        clashes = not must_share and any(planner.usage[s] for s in stations)
        if clashes or not _is_valid(assignment, geo, state.route_length):
            continue
        kept[team.pk] = assignment
        kept_in_region[region_id] += 1
        planner.reserve(stations)
    result.locked = len(locked_ids)
    result.kept = len(kept) - len(locked_ids)


def teams_place(state: PlanningState) -> None:
    """Send the teams still to place to the regions short of their seats, in region then team-code order."""
    result = state.result
    state.to_place = [team for team in state.teams if team.pk not in state.kept and not team.locked]
    state.openings = []
    for region_id in state.plannable:
        state.openings.extend([region_id] * max(0, state.seats[region_id] - state.kept_in_region[region_id]))
    state.new_region = {}
    for team, region_id in zip(state.to_place, state.openings, strict=False):
        state.new_region[team.pk] = region_id
    state.unplaced = state.to_place[len(state.openings) :]
    result.unplaced = [team.code for team in state.unplaced]
    if result.unplaced:
        result.warnings.append(notice("deployment.unplaced", n=len(result.unplaced), teams=listed(result.unplaced, 20)))


def routes_plan(
    state: PlanningState, progress: ProgressCallback | None = None
) -> list[tuple[TeamAssignment, list[int], list[int]]]:
    """TEC areas and routes for the newly placed teams, region by region: (assignment, TEC ids, route) each."""
    geo, teams, plannable, seats, quotas = state.geo, state.teams, state.plannable, state.seats, state.quotas
    plans: list[tuple[TeamAssignment, list[int], list[int]]] = []
    total_weight = sum(geo.region_weight.get(r, 0.0) for r in plannable)
    teams_by_region: dict[int, list[int]] = defaultdict(list)
    for team_id, region_id in state.new_region.items():
        teams_by_region[region_id].append(team_id)
    for index, region_id in enumerate(plannable):
        newcomers = teams_by_region.get(region_id, [])
        if not newcomers:
            continue
        kept_here = [a for a in state.kept.values() if a.region_id == region_id]
        slots = _tec_slots(geo, region_id, len(kept_here) + len(newcomers))
        for assignment in kept_here:  # a kept team occupies the slot it overlaps most
            if not slots:
                break
            best = max(range(len(slots)), key=lambda i, a=assignment: (len(set(slots[i]) & a.tec_ids), -i))
            slots.pop(best)
        region_name = geo.regions[region_id]["name"]
        for position, team_id in enumerate(newcomers):
            slot = slots[position] if position < len(slots) else geo.tecs_by_region[region_id]
            route = state.planner.plan(region_id, list(dict.fromkeys(slot)))
            tec_ids = list(dict.fromkeys(slot + [geo.stations[s].tec_id for s in route]))
            counting_tec = geo.stations[route[-1]].tec_id if route else slot[0]
            urban = sum(1 for s in route if geo.stations[s].urban)
            reason = notice_dumps(
                "deployment.assignment_planned",
                region=region_name,
                quota=f"{quotas[region_id]:.2f}",
                teams=len(teams),
                basis=state.basis,
                weight=f"{geo.region_weight[region_id]:,.0f}",
                total=f"{total_weight:,.0f}",
                seats=seats[region_id],
                at_least_one=len(teams) >= len(plannable),
                tecs=", ".join(geo.tecs[t]["code"] for t in tec_ids),
                stations=len(route),
                urban=urban,
                urban_share=f"{geo.region_urban_share[region_id]:.0%}",
                tabulation=geo.tecs[counting_tec]["code"],
            )
            assignment = TeamAssignment(
                team_id=team_id,
                mission=state.mission,
                region_id=region_id,
                tabulation_tec_id=counting_tec,
                quota=Decimal(f"{quotas[region_id]:.3f}"),
                reason=reason,
            )
            plans.append((assignment, tec_ids, route))
        if progress:
            progress(40 + int(40 * (index + 1) / len(plannable)))
    return plans


def plan_changes(state: PlanningState, lto_owner: dict[int, int]) -> tuple[list[int], list[Team], dict[int, int]]:
    """What the write replaces: the assignments to delete, the STO teams whose LTO team changes (each answers to
    the LTO team whose area holds its region), and every team's final region. Counts the teams moved."""
    existing = state.existing
    for team_id, region_id in state.new_region.items():
        if team_id in existing and existing[team_id].region_id != region_id:
            state.result.moved += 1
    replaced = [existing[t].id for t in state.new_region if t in existing]
    replaced += [existing[t.pk].id for t in state.unplaced if t.pk in existing]
    final_region = {team_id: a.region_id for team_id, a in state.kept.items()}
    final_region.update(state.new_region)
    relinked = []
    for team in state.teams:
        if team.locked:
            continue
        lto_team_id = lto_owner.get(final_region.get(team.pk))
        if team.lto_team_id != lto_team_id:
            team.lto_team_id = lto_team_id
            relinked.append(team)
    return replaced, relinked, final_region


def regions_summarise(
    state: PlanningState, final_region: dict[int, int], lto_owner: dict[int, int], lto_codes: dict[int, str]
) -> None:
    """One row per plannable region on the result (weight, quota, seats, teams, LTO team); warn of empty ones."""
    geo, teams, result = state.geo, state.teams, state.result
    teams_in_region = Counter(final_region.values())
    for region_id in state.plannable:
        result.regions.append(
            {
                "region": geo.regions[region_id]["name"],
                "weight": round(geo.region_weight[region_id], 1),
                "quota": round(state.quotas[region_id], 3),
                "seats": state.seats[region_id],
                "teams": teams_in_region[region_id],
                "lto_team": lto_codes.get(lto_owner.get(region_id), ""),
            }
        )
        if teams and not teams_in_region[region_id] and len(teams) >= len(state.plannable):
            result.warnings.append(notice("deployment.region_no_sto", region=geo.regions[region_id]["name"]))


def deployment_plan(
    *,
    actor: Actor,
    mission: Mission,
    basis: str = PlanningBasis.STATIONS,
    route_length: int = 10,
    seed: int = 2019,
    progress: ProgressCallback | None = None,
) -> PlanResult:
    """Plan LTO areas and every STO team's region, TECs and route; keeps locked and valid existing plans.

    Only an actor who may plan the mission's deployment may (commands and jobs: ``access.system_actor``,
    ``access.job_actor``). Everything is decided in memory first, phase by phase (progress is reported then), and
    written in one transaction.
    """
    require_planner(actor, mission)
    plan_arguments_check(basis=basis, route_length=route_length)
    result = PlanResult(basis=basis, route_length=route_length, seed=seed)
    geo = geography_load(mission, basis)
    geography_check(mission=mission, geo=geo)
    if progress:
        progress(10)
    lto_owner, lto_codes, write_lto_areas = lto_areas_plan(mission, geo, result)
    if progress:
        progress(25)

    state = planning_state_load(mission=mission, geo=geo, result=result)
    seats_allot(state)
    assignments_keep(state)
    if progress:
        progress(40)
    teams_place(state)
    plans = routes_plan(state, progress)
    replaced, relinked, final_region = plan_changes(state, lto_owner)
    with transaction.atomic():
        write_lto_areas()
        assignments_write(replaced, plans)
        if relinked:
            bulk_update_with_history(relinked, Team, ["lto_team"], batch_size=500)
    result.planned = len(plans)
    regions_summarise(state, final_region, lto_owner, lto_codes)
    if progress:
        progress(100)
    return result


def assignments_write(replaced: list[int], plans: list[tuple[TeamAssignment, list[int], list[int]]]) -> None:
    """Replace assignments in bulk: delete the replaced, insert the new ones with their TECs and visits."""
    if replaced:
        TeamAssignment.objects.filter(id__in=replaced).delete()
    if not plans:
        return
    new_assignments = [assignment for assignment, _tecs, _route in plans]
    bulk_create_with_history(new_assignments, TeamAssignment, batch_size=500)
    # Re-read the ids: not every backend returns them from a bulk insert done through the history helper.
    created = dict(
        TeamAssignment.objects.filter(team_id__in=[a.team_id for a in new_assignments]).values_list("team_id", "id")
    )
    tec_links, visits = [], []
    for assignment, tec_ids, route in plans:
        assignment_id = created[assignment.team_id]
        tec_links.extend(TeamAssignment.tecs.through(teamassignment_id=assignment_id, tec_id=t) for t in tec_ids)
        if not route:
            continue
        visits.append(
            PlannedVisit(
                assignment_id=assignment_id, polling_station_id=route[0], purpose=VisitPurpose.OPENING, order=0
            )
        )
        visits.extend(
            PlannedVisit(
                assignment_id=assignment_id, polling_station_id=station_id, purpose=VisitPurpose.VOTING, order=order
            )
            for order, station_id in enumerate(route, start=1)
        )
        visits.append(
            PlannedVisit(
                assignment_id=assignment_id,
                polling_station_id=route[-1],
                purpose=VisitPurpose.COUNTING,
                order=len(route) + 1,
            )
        )
    TeamAssignment.tecs.through.objects.bulk_create(tec_links, batch_size=2000)
    PlannedVisit.objects.bulk_create(visits, batch_size=2000)
