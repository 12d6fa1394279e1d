"""Reads for the deployment plan: the coordinators' review summary, assignment lists and export rows."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from access import actors_for, visible_to
from missions.choices import AreaType
from missions.models import Mission, PollingStation, Region, station_label
from observers.choices import MemberRole, MemberStatus, TeamKind
from observers.models import Membership, Team, TeamMember

from .choices import JobKind, JobStatus, PlanningBasis, VisitPurpose
from .models import PlannedVisit, PlanningJob, TeamAssignment
from .services.allocation import largest_remainder

# An LTO area with more than this multiple of the average load is reported as imbalanced.
IMBALANCE_FACTOR = 2.0


def planning_jobs_recent(*, mission: Mission, limit: int = 10):
    """The mission's latest planning jobs, newest first."""
    return PlanningJob.objects.filter(mission=mission).select_related("requested_by")[:limit]


def last_plan_basis(*, mission: Mission) -> str:
    """The basis the last successful plan used (stations when there is none)."""
    parameters = (
        PlanningJob.objects.filter(mission=mission, kind=JobKind.PLAN_DEPLOYMENT, status=JobStatus.DONE)
        .values_list("parameters", flat=True)
        .first()
    )
    basis = (parameters or {}).get("basis")
    return basis if basis in PlanningBasis.values else PlanningBasis.STATIONS


def plan_review(*, mission: Mission, basis: str | None = None) -> dict:
    """Teams per region against the proportional quota, planned vs regional urban/rural mix, and warnings.

    A fixed number of queries however many teams and stations the mission has.
    """
    basis = basis if basis in PlanningBasis.values else last_plan_basis(mission=mission)
    regions = list(Region.objects.filter(mission=mission).order_by("name").values("id", "name"))
    station_stats = {
        row["region_id"]: row
        for row in PollingStation.objects.filter(mission=mission)
        .values("region_id")
        .annotate(
            stations=Count("id"),
            urban=Count("id", filter=Q(area_type=AreaType.URBAN)),
            voters=Sum("registered_voters"),
        )
    }
    teams_per_region = dict(
        TeamAssignment.objects.filter(mission=mission)
        .values("region_id")
        .annotate(teams=Count("id"))
        .values_list("region_id", "teams")
    )
    planned = {
        row["assignment__region_id"]: row
        for row in PlannedVisit.objects.filter(assignment__mission=mission, purpose=VisitPurpose.VOTING)
        .values("assignment__region_id")
        .annotate(visits=Count("id"), urban=Count("id", filter=Q(polling_station__area_type=AreaType.URBAN)))
    }
    lto_areas: dict[int, list[str]] = defaultdict(list)
    for region_id, code in (
        Team.area_regions.through.objects.filter(team__mission=mission, team__kind=TeamKind.LTO)
        .order_by("team__code")
        .values_list("region_id", "team__code")
    ):
        lto_areas[region_id].append(code)
    sto_teams = Team.objects.filter(mission=mission, kind=TeamKind.STO)
    sto_count = sto_teams.count()
    unassigned = list(sto_teams.filter(assignment__isnull=True).values_list("code", flat=True)[:50])
    interpreter = list(
        Team.objects.filter(mission=mission, needs_interpreter=True)
        .order_by("kind", "code")
        .values_list("code", flat=True)
    )
    # A station is its region and number (numbers restart per region): group by the station, show both.
    twice = [
        (station_label(region_name, number), teams)
        for region_name, number, teams in PlannedVisit.objects.filter(
            assignment__mission=mission, purpose=VisitPurpose.VOTING
        )
        .values("polling_station_id")
        .annotate(teams=Count("assignment", distinct=True))
        .filter(teams__gt=1)
        .order_by("polling_station__region__name", "polling_station__number")
        .values_list("polling_station__region__name", "polling_station__number", "teams")
    ]
    weights = {}
    for region in regions:
        stats = station_stats.get(region["id"])
        if stats:
            weights[region["id"]] = float(stats["voters"] or 0) if basis == PlanningBasis.VOTERS else stats["stations"]
    seats, quotas = largest_remainder(
        weights,
        sto_count,
        at_least_one=sto_count >= len(weights),
        order=[r["id"] for r in regions if r["id"] in weights],
    )
    rows, warnings = [], []
    area_load: Counter = Counter()
    for region in regions:
        stats = station_stats.get(region["id"], {"stations": 0, "urban": 0, "voters": 0})
        plan = planned.get(region["id"], {"visits": 0, "urban": 0})
        teams = teams_per_region.get(region["id"], 0)
        quota = quotas.get(region["id"], 0.0)
        owners = lto_areas.get(region["id"], [])
        for code in owners:
            area_load[code] += weights.get(region["id"], 0)
        row = {
            "region": region["name"],
            "stations": stats["stations"],
            "voters": stats["voters"] or 0,
            "urban_share": (stats["urban"] / stats["stations"]) if stats["stations"] else None,
            "planned_visits": plan["visits"],
            "planned_urban_share": (plan["urban"] / plan["visits"]) if plan["visits"] else None,
            "quota": round(quota, 2),
            "teams": teams,
            "within_quota": abs(teams - quota) <= 1 if region["id"] in weights else teams == 0,
            "lto_teams": owners,
        }
        rows.append(row)
        if not owners:
            warnings.append(_("%(region)s lies in no LTO area.") % {"region": region["name"]})
        elif len(owners) > 1:
            warnings.append(
                _("%(region)s lies in the areas of %(teams)s; it must be in exactly one.")
                % {"region": region["name"], "teams": ", ".join(owners)}
            )
        if stats["stations"] and sto_count >= len(weights) and not teams:
            warnings.append(_("%(region)s has no STO team.") % {"region": region["name"]})
        if stats["stations"] and teams and not row["within_quota"]:
            warnings.append(
                ngettext(
                    "%(region)s has %(n)s STO team against a quota of %(quota)s.",
                    "%(region)s has %(n)s STO teams against a quota of %(quota)s.",
                    teams,
                )
                % {"region": region["name"], "n": teams, "quota": f"{quota:.2f}"}
            )
    if unassigned:
        warnings.append(
            ngettext(
                "%(n)s STO team has no assignment yet: %(teams)s.",
                "%(n)s STO teams have no assignment yet: %(teams)s.",
                len(unassigned),
            )
            % {"n": len(unassigned), "teams": ", ".join(unassigned[:20])}
        )
    if interpreter:
        warnings.append(
            ngettext(
                "%(n)s team needs an interpreter: %(teams)s.",
                "%(n)s teams need an interpreter: %(teams)s.",
                len(interpreter),
            )
            % {"n": len(interpreter), "teams": ", ".join(interpreter[:30])}
        )
    if twice:
        shown = ", ".join(
            ngettext("%(station)s (%(n)s team)", "%(station)s (%(n)s teams)", teams) % {"station": label, "n": teams}
            for label, teams in twice[:20]
        )
        warnings.append(
            ngettext(
                "%(n)s station is planned for more than one team: %(stations)s.",
                "%(n)s stations are planned for more than one team: %(stations)s.",
                len(twice),
            )
            % {"n": len(twice), "stations": shown}
        )
    if len(area_load) > 1:
        average = sum(area_load.values()) / len(area_load)
        heavy = [code for code, load in sorted(area_load.items()) if average and load > IMBALANCE_FACTOR * average]
        if heavy:
            warnings.append(
                _("LTO areas are imbalanced: %(teams)s cover more than twice the average %(basis)s.")
                % {"teams": ", ".join(heavy), "basis": str(PlanningBasis(basis).label).lower()}
            )
    return {
        "basis": basis,
        "basis_label": str(PlanningBasis(basis).label).lower(),
        "regions": rows,
        "sto_teams": sto_count,
        "assigned": sum(teams_per_region.values()),
        "interpreter_teams": interpreter,
        "stations_planned_twice": twice,
        "warnings": warnings,
    }


def teams_for_mission(*, mission: Mission):
    """The mission's teams with their members and assignment, LTO teams first."""
    seats = Prefetch("members", queryset=TeamMember.objects.select_related("membership__observer"))
    return (
        Team.objects.filter(mission=mission)
        .select_related("assignment", "assignment__region", "assignment__tabulation_tec", "lto_team")
        .prefetch_related(seats, "area_regions", "assignment__tecs")
        .order_by("kind", "code")
    )


def deployable_memberships(*, mission: Mission):
    """LTOs, STOs and parliamentarians of the mission who have not withdrawn, for the member-swap form."""
    return (
        Membership.objects.filter(
            mission=mission, role__in=[MemberRole.LTO, MemberRole.STO, MemberRole.PARLIAMENTARIAN]
        )
        .exclude(status=MemberStatus.WITHDRAWN)
        .select_related("observer")
        .order_by("observer__full_name")
    )


def plan_export_rows(*, mission: Mission) -> list[dict]:
    """The LTO teams, then one row per planned visit, by LTO area, with members' contacts (coordinators only)."""
    member_seats = TeamMember.objects.select_related("membership__observer").order_by("membership__observer__full_name")
    seats = Prefetch("team__members", queryset=member_seats)
    visits = Prefetch(
        "visits",
        queryset=PlannedVisit.objects.select_related(
            "polling_station", "polling_station__tec", "polling_station__region"
        ).order_by("order", "purpose"),
    )
    assignments = (
        TeamAssignment.objects.filter(mission=mission)
        .select_related("team", "team__lto_team", "region", "tabulation_tec")
        .prefetch_related("tecs", seats, visits, "team__lto_team__area_regions")
        .order_by("team__lto_team__code", "team__code")
    )
    rows = []
    lto_teams = (
        Team.objects.filter(mission=mission, kind=TeamKind.LTO)
        .prefetch_related(Prefetch("members", queryset=member_seats), "area_regions")
        .order_by("code")
    )
    for lto in lto_teams:
        regions = ", ".join(region.name for region in lto.area_regions.all())
        members = [seat.membership.observer for seat in lto.members.all()]
        rows.append(
            {
                "lto_area": f"{lto.code} ({regions})" if regions else _("No LTO area"),
                "lto_team": lto.code,
                "team": lto.code,
                "members": "; ".join(m.full_name for m in members),
                "phones": "; ".join(m.phone for m in members if m.phone),
                "emails": "; ".join(m.email for m in members),
                "region": regions,
                "tecs": "",
                "tabulation_tec": "",
                "needs_interpreter": _("yes") if lto.needs_interpreter else _("no"),
                "purpose": (
                    _("LTO team, based in %(city)s") % {"city": lto.base_city} if lto.base_city else _("LTO team")
                ),
                "order": "",
                "station_region": "",
                "station": "",
                "station_name": "",
                "address": "",
                "station_tec": "",
                "area_type": "",
            }
        )
    for assignment in assignments:
        team = assignment.team
        lto = team.lto_team
        area = f"{lto.code} ({', '.join(r.name for r in lto.area_regions.all())})" if lto else _("No LTO area")
        members = [seat.membership.observer for seat in team.members.all()]
        base = {
            "lto_area": area,
            "lto_team": lto.code if lto else "",
            "team": team.code,
            "members": "; ".join(m.full_name for m in members),
            "phones": "; ".join(m.phone for m in members if m.phone),
            "emails": "; ".join(m.email for m in members),
            "region": assignment.region.name,
            "tecs": ", ".join(tec.code for tec in assignment.tecs.all()),
            "tabulation_tec": str(assignment.tabulation_tec or ""),
            "needs_interpreter": _("yes") if team.needs_interpreter else _("no"),
        }
        ordered = sorted(
            assignment.visits.all(),
            key=lambda v: {VisitPurpose.OPENING: 0, VisitPurpose.VOTING: 1, VisitPurpose.COUNTING: 2}[v.purpose],
        )
        for visit in ordered:
            station = visit.polling_station
            rows.append(
                {
                    **base,
                    "purpose": visit.get_purpose_display(),
                    "order": visit.order,
                    "station_region": station.region.name,
                    "station": station.number,
                    "station_name": station.name,
                    "address": station.address,
                    "station_tec": station.tec.code,
                    "area_type": station.get_area_type_display(),
                }
            )
    return rows


def assignments_visible_to(*, user) -> QuerySet[TeamAssignment]:
    """Assignments of the teams the user sees (the whole plan for the core team), with TECs and route prefetched."""
    return (
        visible_to(actors_for(user), TeamAssignment)
        .select_related("mission", "team", "region", "tabulation_tec")
        .prefetch_related(
            "tecs",
            Prefetch(
                "visits",
                queryset=PlannedVisit.objects.select_related("polling_station__region").order_by(
                    "purpose", "order", "id"
                ),
            ),
        )
        .order_by("mission_id", "team__code")
    )


def planning_jobs_visible_to(*, user) -> QuerySet[PlanningJob]:
    """Planning jobs of the missions the user coordinates, newest first."""
    return visible_to(actors_for(user), PlanningJob).select_related("mission").order_by("-created_at", "-id")


def region_team_counts(*, mission: Mission) -> list[dict]:
    """For each region: the LTO teams whose area covers it, STO teams planned there, and its stations.

    Each figure is its own subquery: joining all three relations at once would multiply their rows.
    """

    def count_of(queryset):
        return Coalesce(Subquery(queryset.values("region_id").annotate(n=Count("pk")).values("n")[:1]), 0)

    lto_areas = Team.area_regions.through.objects.filter(region_id=OuterRef("pk"), team__kind=TeamKind.LTO)
    regions = (
        Region.objects.filter(mission=mission)
        .annotate(
            lto_team_count=count_of(lto_areas),
            sto_team_count=count_of(TeamAssignment.objects.filter(region_id=OuterRef("pk"))),
            station_count=count_of(PollingStation.objects.filter(region_id=OuterRef("pk"))),
        )
        .order_by("name")
    )
    return [
        {"region": r, "lto_teams": r.lto_team_count, "sto_teams": r.sto_team_count, "stations": r.station_count}
        for r in regions
    ]
