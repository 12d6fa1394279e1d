"""Writes for team formation and the deployment plan (re-exported from the modules of this package)."""

from .edits import assignment_lock_set, assignment_move, assignment_rule_errors, team_lock_set, team_member_swap
from .formation import FormationResult, next_team_number, teams_form
from .jobs import planning_job_execute, planning_job_start
from .planning import PlanResult, deployment_plan

__all__ = [
    "FormationResult",
    "PlanResult",
    "assignment_lock_set",
    "assignment_move",
    "assignment_rule_errors",
    "deployment_plan",
    "next_team_number",
    "planning_job_execute",
    "planning_job_start",
    "team_lock_set",
    "team_member_swap",
    "teams_form",
]
