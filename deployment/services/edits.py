"""Coordinators' manual edits to teams and the plan, checked by the same team rules as formation."""

from __future__ import annotations

import random

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from access import Actor
from jobs.notices import notice_dumps
from missions.models import Region, Tec
from observers.choices import TeamKind
from observers.models import Membership, Team, TeamMember
from observers.services import team_check, team_rule_errors

from ..models import PlannedVisit, TeamAssignment
from .formation import SPEAKING_LEVELS
from .guard import require_planner
from .planning import PlanningBasis, RoutePlanner, assignments_write, geography_load, plan_arguments_check


def team_lock_set(*, actor: Actor, team: Team, locked: bool) -> Team:
    """Lock or unlock a team: formation and planning keep a locked team and its assignment as they are."""
    require_planner(actor, team.mission_id)
    team.locked = locked
    team.save(update_fields=["locked"])
    return team


def assignment_lock_set(*, actor: Actor, assignment: TeamAssignment, locked: bool) -> TeamAssignment:
    """Lock or unlock one team's assignment: planning keeps a locked assignment exactly as it is."""
    require_planner(actor, assignment.mission_id)
    assignment.locked = locked
    assignment.save(update_fields=["locked"])
    return assignment


def _team_interpreter_flag(team: Team) -> bool:
    languages = {code.lower() for code in (team.mission.local_languages or [])}
    if not languages:
        return False
    seats = TeamMember.objects.filter(team=team).prefetch_related("membership__observer__languages")
    for seat in seats:
        for language in seat.membership.observer.languages.all():
            if language.language.lower() in languages and language.level in SPEAKING_LEVELS:
                return False
    return True


@transaction.atomic
def team_member_swap(*, actor: Actor, team: Team, remove: Membership, add: Membership) -> list[Team]:
    """Replace `remove` with `add` in a team; when `add` sits in another team, the two trade places.

    Both resulting teams are checked with the team rules; any broken rule refuses the whole swap.
    """
    require_planner(actor, team.mission_id)
    if remove.mission_id != team.mission_id or add.mission_id != team.mission_id:
        raise ValidationError(_("Both people must be members of the team's mission."))
    seats = {seat.membership_id: seat for seat in TeamMember.objects.filter(team=team).select_related("membership")}
    if remove.pk not in seats:
        raise ValidationError(
            _("%(name)s is not in team %(team)s.") % {"name": remove.observer.full_name, "team": team.code}
        )
    other_seat = TeamMember.objects.filter(membership=add).select_related("team").first()
    other = other_seat.team if other_seat else None
    if other is not None and other.pk == team.pk:
        raise ValidationError(
            _("%(name)s is already in team %(team)s.") % {"name": add.observer.full_name, "team": team.code}
        )
    locked = [t.code for t in (team, other) if t is not None and t.locked]
    if locked:
        raise ValidationError(
            _("Team %(team)s is locked: unlock it before changing its members.") % {"team": ", ".join(locked)}
        )
    if other is not None and other.kind != team.kind:
        raise ValidationError(
            _("%(name)s sits in %(team)s, a team of another kind.")
            % {"name": add.observer.full_name, "team": other.code}
        )
    new_members = [seat.membership for seat in seats.values() if seat.membership_id != remove.pk] + [add]
    seats[remove.pk].delete()
    if other_seat is not None:
        other_members = [s.membership for s in TeamMember.objects.filter(team=other).exclude(membership=add)]
        other_seat.delete()
        other_members.append(remove)
    errors = team_rule_errors(mission=team.mission, kind=team.kind, memberships=new_members, team=team)
    if other is not None:
        errors += [
            _("%(team)s: %(message)s") % {"team": other.code, "message": message}
            for message in team_rule_errors(
                mission=other.mission, kind=other.kind, memberships=other_members, team=other
            )
        ]
    if errors:
        transaction.set_rollback(True)
        raise ValidationError(errors)
    TeamMember.objects.create(team=team, membership=add)
    changed = [team]
    if other is not None:
        TeamMember.objects.create(team=other, membership=remove)
        changed.append(other)
    for changed_team in changed:
        changed_team.needs_interpreter = _team_interpreter_flag(changed_team)
        changed_team.save(update_fields=["needs_interpreter"])
    return changed


def assignment_rule_errors(
    *, team: Team, region: Region | None, tecs=(), tabulation_tec: Tec | None = None
) -> list[str]:
    """Every rule a manual assignment breaks: an unlocked STO team of the region's mission, TECs in the region,
    and a team that still satisfies the team rules (team_rule_errors)."""
    errors: list[str] = []
    if team.kind != TeamKind.STO:
        errors.append(
            _("%(team)s is not an STO team: LTO teams are placed through their area of responsibility.")
            % {"team": team.code}
        )
    if team.locked:
        errors.append(_("Team %(team)s is locked: unlock it before changing its assignment.") % {"team": team.code})
    if region is not None and region.mission_id != team.mission_id:
        errors.append(_("%(region)s belongs to another mission.") % {"region": region.name})
    for tec in [*tecs, *([tabulation_tec] if tabulation_tec else [])]:
        if region is not None and tec.region_id != region.pk:
            errors.append(
                _("TEC %(tec)s lies in %(tec_region)s, not in %(region)s.")
                % {"tec": tec.code, "tec_region": tec.region.name, "region": region.name}
            )
    errors += team_check(team=team)
    return list(dict.fromkeys(errors))


@transaction.atomic
def assignment_move(
    *,
    actor: Actor,
    team: Team,
    region: Region,
    tecs: list[Tec] | None = None,
    route_length: int = 10,
    seed: int = 2019,
) -> TeamAssignment:
    """Move an STO team to another region (and optionally given TECs), planning a fresh route there.

    The route avoids stations other teams are planned for; the team must still satisfy the team rules.
    """
    require_planner(actor, team.mission_id)
    if region.mission_id != team.mission_id:
        raise ValidationError(_("The region belongs to another mission."))
    tecs = list(tecs or [])
    errors = assignment_rule_errors(team=team, region=region, tecs=tecs)
    current = TeamAssignment.objects.filter(team=team).first()
    if current is not None and current.locked:
        errors.append(
            _("The assignment of %(team)s is locked: unlock it before moving the team.") % {"team": team.code}
        )
    try:
        plan_arguments_check(basis=PlanningBasis.STATIONS, route_length=route_length)
    except ValidationError as error:
        errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    geo = geography_load(team.mission, PlanningBasis.STATIONS)
    if not geo.tecs_by_region.get(region.pk):
        raise ValidationError(_("%(region)s has no polling stations to plan a route in.") % {"region": region.name})
    tec_ids = [tec.pk for tec in tecs if geo.stations_by_tec.get(tec.pk)] or geo.tecs_by_region[region.pk]
    planner = RoutePlanner(geo, random.Random(f"{seed}:{team.code}"), route_length)
    others = PlannedVisit.objects.filter(assignment__mission=team.mission).exclude(assignment__team=team)
    planner.reserve(others.values_list("polling_station_id", flat=True))
    route = planner.plan(region.pk, tec_ids)
    area = list(dict.fromkeys(tec_ids + [geo.stations[s].tec_id for s in route]))
    tabulation = geo.stations[route[-1]].tec_id
    codes = ", ".join(geo.tecs[t]["code"] for t in area)
    assignment = TeamAssignment(
        team=team,
        mission=team.mission,
        region=region,
        tabulation_tec_id=tabulation,
        quota=current.quota if current and current.region_id == region.pk else None,
        reason=notice_dumps("deployment.assignment_moved", region=region.name, tecs=codes, stations=len(route)),
    )
    assignments_write([current.pk] if current else [], [(assignment, area, route)])
    lto_team_id = (
        Team.area_regions.through.objects.filter(region=region, team__kind=TeamKind.LTO)
        .values_list("team_id", flat=True)
        .first()
    )
    if team.lto_team_id != lto_team_id:
        team.lto_team_id = lto_team_id
        team.save(update_fields=["lto_team"])
    return TeamAssignment.objects.get(team=team)
