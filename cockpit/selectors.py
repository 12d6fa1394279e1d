"""Reads for the cockpit: the state of one mission at a glance, in a fixed number of queries whatever its size."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q

from access import Actor, actor_in, can_open_cockpit, missions_for
from deployment.models import PlannedVisit, PlanningJob, TeamAssignment
from incidents.choices import OPEN_STATUSES
from incidents.models import Case
from incidents.selectors import open_cases
from missions.models import Mission, PollingStation
from observers.choices import MemberRole, MemberStatus, TeamKind
from observers.models import Membership, Team
from reports.models import ReportRun
from submissions.models import Submission

SILENT_TEAMS_SHOWN = 40
OPEN_CASES_SHOWN = 8
ROSTER_ROLES = (MemberRole.HEAD_OF_MISSION, MemberRole.CORE_TEAM, MemberRole.LTO, MemberRole.STO)


@dataclass
class MissionState:
    """What the cockpit shows for one mission."""

    roster: dict[str, dict[str, int]] = field(default_factory=dict)  # role -> status -> count
    teams: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> {"total", "assigned"}
    stations_total: int = 0
    planned_visits: int = 0
    planned_stations: int = 0
    forms: dict[str, int] = field(default_factory=dict)  # form kind -> count
    forms_total: int = 0
    observed_stations: int = 0
    silent_teams: list[dict] = field(default_factory=list)
    silent_total: int = 0
    cases: dict[str, int] = field(default_factory=dict)  # open case status -> count
    cases_open: int = 0
    newest_cases: list[Case] = field(default_factory=list)
    latest_job: PlanningJob | None = None
    latest_run: ReportRun | None = None


def cockpit_missions(user) -> list[tuple[Mission, Actor]]:
    """Missions whose cockpit the user may open (head of mission, coordinators, analysts, core team), newest first."""
    out = []
    for mission in missions_for(user).order_by("-election_day", "name"):
        actor = actor_in(user, mission.pk)  # the request's Actors, read once for every mission
        if can_open_cockpit(actor, mission):
            out.append((mission, actor))
    return out


def _roster(mission: Mission) -> dict[str, dict[str, int]]:
    roster: dict[str, dict[str, int]] = {role: dict.fromkeys(MemberStatus.values, 0) for role in ROSTER_ROLES}
    rows = Membership.objects.filter(mission=mission).values("role", "status").annotate(count=Count("id")).order_by()
    for row in rows:
        role = MemberRole.STO if row["role"] == MemberRole.PARLIAMENTARIAN else row["role"]
        roster.setdefault(role, dict.fromkeys(MemberStatus.values, 0))
        roster[role][row["status"]] = roster[role].get(row["status"], 0) + row["count"]
    for counts in roster.values():
        counts["total"] = sum(counts[status] for status in MemberStatus.values)
        counts["active"] = counts["total"] - counts[MemberStatus.WITHDRAWN]
    return roster


def _teams(mission: Mission) -> dict[str, dict[str, int]]:
    teams = {kind: {"total": 0, "assigned": 0} for kind in TeamKind.values}
    rows = Team.objects.filter(mission=mission).values("kind").annotate(total=Count("id")).order_by()
    for row in rows:
        teams[row["kind"]]["total"] = row["total"]
    teams[TeamKind.STO]["assigned"] = TeamAssignment.objects.filter(mission=mission).count()
    teams[TeamKind.LTO]["assigned"] = (
        Team.objects.filter(mission=mission, kind=TeamKind.LTO, area_regions__isnull=False).distinct().count()
    )
    return teams


def silent_teams(*, mission: Mission, since: datetime.datetime) -> list[dict]:
    """Teams whose latest form arrived before `since`, or that sent none: oldest news first, never-heard last."""
    rows = (
        Team.objects.filter(mission=mission)
        .annotate(last_heard=Max("submissions__received_at"))
        .filter(Q(last_heard__lt=since) | Q(last_heard__isnull=True))
        .values("id", "code", "kind", "last_heard")
        .order_by("kind", "code")
    )
    return sorted(rows, key=lambda row: (row["last_heard"] is None, row["last_heard"] or since, row["code"]))


def mission_state(*, mission: Mission, since: datetime.datetime) -> MissionState:
    """The mission at a glance: roster, teams, deployment, forms in, silent teams, latest job and run."""
    state = MissionState(roster=_roster(mission), teams=_teams(mission))
    state.stations_total = PollingStation.objects.filter(mission=mission).count()
    plan = PlannedVisit.objects.filter(assignment__mission=mission).aggregate(
        visits=Count("id"), stations=Count("polling_station", distinct=True)
    )
    state.planned_visits, state.planned_stations = plan["visits"], plan["stations"]
    forms = Submission.objects.filter(mission=mission)
    state.forms = dict(forms.values_list("kind").annotate(count=Count("id")).order_by())
    state.forms_total = sum(state.forms.values())
    state.observed_stations = forms.filter(polling_station__isnull=False).aggregate(
        stations=Count("polling_station", distinct=True)
    )["stations"]
    silent = silent_teams(mission=mission, since=since)
    state.silent_total, state.silent_teams = len(silent), silent[:SILENT_TEAMS_SHOWN]
    state.cases = dict.fromkeys(OPEN_STATUSES, 0)
    for status, count in (
        Case.objects.filter(mission=mission, status__in=OPEN_STATUSES)
        .values_list("status")
        .annotate(Count("id"))
        .order_by()
    ):
        state.cases[status] = count
    state.cases_open = sum(state.cases.values())
    state.newest_cases = list(open_cases(mission=mission).order_by("-opened_at", "-id")[:OPEN_CASES_SHOWN])
    state.latest_job = PlanningJob.objects.filter(mission=mission).order_by("-created_at", "-id").first()
    state.latest_run = (
        ReportRun.objects.filter(mission=mission).defer("result", "charts").order_by("-created_at", "-id").first()
    )
    return state
