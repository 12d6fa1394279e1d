"""What an actor may *do* in a mission, beyond reading and writing rows: one named rule per action.

Each rule is ``can_<verb>(actor, target)``: the actor (an ``Actor`` or None) and the mission it is asked about, given
as a mission, its id, or any row of the mission (a run, a case: anything with ``mission_id``). An actor of another
mission is refused, like one with no role at all. Pages decide what to show and answer with these rules, the API
and the admin ask the same ones, and the services that change data ask them again themselves (``require``), so a
new surface cannot forget.

Rules on rows (may this actor see, change, delete this row) are in ``access.rules``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from .actors import Actor
from .roles import OBSERVING, WHOLE_MISSION, Role

MEMBERS = WHOLE_MISSION | OBSERVING  # everyone with a role in the mission except ODIHR staff following it


def mission_id_of(target) -> int | None:
    """The id of the mission a target is, or belongs to (a mission, its id, or a row with ``mission_id``)."""
    if target is None:
        return None
    if isinstance(target, int):
        return target
    if hasattr(target, "mission_id"):
        return target.mission_id
    return getattr(target, "pk", None)


def _in(actor: Actor | None, target) -> bool:
    mission_id = mission_id_of(target)
    return actor is not None and mission_id is not None and actor.mission_id == mission_id


# ------------------------------------------------------------------------------------------------ mission pages


def can_open_cockpit(actor: Actor | None, mission) -> bool:
    """The cockpit (a mission at a glance, every tool) is the core team's: head of mission, coordinators, analysts."""
    return _in(actor, mission) and actor.sees_whole_mission


def can_view_map(actor: Actor | None, mission) -> bool:
    """The mission map: every member sees what their role shows of it; ODIHR staff following the mission do not."""
    return _in(actor, mission) and actor.role in MEMBERS


# ------------------------------------------------------------------------------------------------ incident cases


def can_view_cases(actor: Actor | None, mission) -> bool:
    """Incident cases: the core team works all of them; observers follow those of their own team's forms."""
    return _in(actor, mission) and actor.role in MEMBERS


def can_follow_up_case(actor: Actor | None, case_or_mission) -> bool:
    """Recording a step of a case's follow-up (a note, a status, an assignee), and reading its log: the core team."""
    return _in(actor, case_or_mission) and actor.sees_whole_mission


# ------------------------------------------------------------------------------------------------ people


def can_read_personal_data(actor: Actor | None, mission) -> bool:
    """Observers' passport numbers, phones and dates of birth: the mission's coordinators and its head only."""
    return _in(actor, mission) and actor.sees_personal_data


# ------------------------------------------------------------------------------------------------ forms


def can_submit_forms(actor: Actor | None, mission) -> bool:
    """Filing observation forms at all: coordinators and the head (for any team), and observers seated in a team."""
    if not _in(actor, mission):
        return False
    return actor.is_coordinator or (actor.is_observer and actor.team_id is not None)


def can_file_for_any_team(actor: Actor | None, mission) -> bool:
    """Filing a form for any team and any place of the mission (observers: their own team, inside their area)."""
    return _in(actor, mission) and actor.is_coordinator


def can_file_lto_reports(actor: Actor | None, mission) -> bool:
    """Filing the long-term observers' own kinds (weekly reports, meeting records): LTOs, coordinators, the head."""
    return _in(actor, mission) and (actor.is_coordinator or actor.role == Role.LTO)


def can_find_stations(actor: Actor | None, mission) -> bool:
    """Finding a polling station to start a form for: the core team, and observers seated in a team."""
    return _in(actor, mission) and (actor.sees_whole_mission or (actor.is_observer and actor.team_id is not None))


def can_list_every_form(actor: Actor | None, mission) -> bool:
    """The observers' form list with every form the actor may read: the core team.

    Observers list their own team's forms there (an LTO reads the other forms of their area on the LTO area page);
    ``access.rules.form_list_scope`` narrows the list accordingly.
    """
    return _in(actor, mission) and actor.sees_whole_mission


def can_view_lto_area(actor: Actor | None, mission) -> bool:
    """The LTO area page (the area's reports and STO teams): long-term observers and the core team."""
    return _in(actor, mission) and (actor.sees_whole_mission or actor.role == Role.LTO)


def can_view_urgent_incidents(actor: Actor | None, mission) -> bool:
    """The urgent incidents page and its feed: the core team."""
    return _in(actor, mission) and actor.sees_whole_mission


def can_correct_form(actor: Actor | None, submission_or_mission) -> bool:
    """Correcting a filed form: coordinators and the head, or the team that filed it (given the form)."""
    if not _in(actor, submission_or_mission):
        return False
    team_id = getattr(submission_or_mission, "team_id", None)
    return actor.is_coordinator or (actor.team_id is not None and actor.team_id == team_id)


# ------------------------------------------------------------------------------------------------ deployment


def can_plan_deployment(actor: Actor | None, mission) -> bool:
    """Forming teams, planning, locking, moving and exporting the deployment plan: coordinators and the head."""
    return _in(actor, mission) and actor.is_coordinator


# ------------------------------------------------------------------------------------------------ statistics


def can_compile(actor: Actor | None, mission) -> bool:
    """Requesting a compilation, and reading embargoed runs: the core team (head, coordinators, analysts, others)."""
    return _in(actor, mission) and actor.sees_whole_mission


def can_read_published_runs(actor: Actor | None, mission) -> bool:
    """Reading the mission's published runs: the core team and the ODIHR staff who follow the mission."""
    return _in(actor, mission) and (actor.sees_whole_mission or actor.is_follower)


def can_publish(actor: Actor | None, run_or_mission) -> bool:
    """Lifting the embargo on a run: only the head of mission and the mission's analysts."""
    return _in(actor, run_or_mission) and actor.publishes


def can_resolve_conflicts(actor: Actor | None, mission) -> bool:
    """Deciding conflicts between teams' forms of one station: coordinators and the head of mission."""
    return _in(actor, mission) and actor.is_coordinator


# ------------------------------------------------------------------------------------------------ official results


def can_view_results(actor: Actor | None, mission) -> bool:
    """Official results and their cross-check with the observers' forms: the core team."""
    return _in(actor, mission) and actor.sees_whole_mission


def can_import_results(actor: Actor | None, mission) -> bool:
    """Importing a version of the official results (and setting its threshold): coordinators and the head."""
    return _in(actor, mission) and actor.is_coordinator


# ------------------------------------------------------------------------------------------------ imports, mission


def can_import_stations(actor: Actor | None, mission) -> bool:
    """Importing the mission's regions, TECs and polling stations from a file: coordinators and the head."""
    return _in(actor, mission) and actor.is_coordinator


def can_import_roster(actor: Actor | None, mission) -> bool:
    """Importing the observer roster into the mission: coordinators and the head (who grant no role above theirs)."""
    return _in(actor, mission) and actor.is_coordinator


def can_lock_phases(actor: Actor | None, mission) -> bool:
    """Locking and unlocking a phase (a form kind) against corrections: coordinators and the head of mission."""
    return _in(actor, mission) and actor.is_coordinator


def can_preview_checklist(actor: Actor | None, template_or_mission) -> bool:
    """Previewing a checklist version as observers will see it: coordinators and the head of mission."""
    return _in(actor, template_or_mission) and actor.is_coordinator


def can_name_head_of_mission(actor: Actor | None, mission) -> bool:
    """Changing the mission's "Head of mission" field: the head of mission themself, or a superuser.

    The field is informational (the role comes from a membership), but it is printed on reports: a coordinator may
    not put another name there.
    """
    return _in(actor, mission) and actor.is_head_of_mission


def require(allowed: bool, message: str) -> None:
    """Refuse (PermissionDenied with a message a person can read) unless a rule allowed it; for services."""
    if not allowed:
        raise PermissionDenied(message)


# Every named rule above, for the documentation and the tests that try each one with each role.
NAMED_RULES = (
    can_open_cockpit,
    can_view_map,
    can_view_cases,
    can_follow_up_case,
    can_read_personal_data,
    can_submit_forms,
    can_file_for_any_team,
    can_file_lto_reports,
    can_correct_form,
    can_find_stations,
    can_list_every_form,
    can_view_lto_area,
    can_view_urgent_incidents,
    can_plan_deployment,
    can_compile,
    can_read_published_runs,
    can_publish,
    can_resolve_conflicts,
    can_view_results,
    can_import_results,
    can_import_stations,
    can_import_roster,
    can_lock_phases,
    can_preview_checklist,
    can_name_head_of_mission,
)
