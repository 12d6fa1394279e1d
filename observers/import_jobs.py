"""The observer roster imported in the background (missions/import_jobs.py): the request keeps the file on a job and
returns at once; the worker checks every row and writes them all, or nothing when a row is bad."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from access import Actor, can_import_roster, require
from jobs.lifecycle import Lifecycle
from missions.import_jobs import import_job_start, import_time_limits, import_work
from missions.models import Mission

from .imports import roster_import
from .models import RosterImport

roster_imports = Lifecycle(
    model=RosterImport,
    task="observers.tasks.roster_import_run",
    what=gettext_noop("roster import"),
    work=import_work(roster_import),
    time_limit=import_time_limits,
    select_related=("mission", "requested_by"),
)


def roster_import_start(
    *, actor: Actor | None, mission: Mission, upload, filename: str | None = None, user=None
) -> RosterImport:
    """Queue a roster file for import into the mission (checked by the worker, as ``observers.imports.roster_import``
    does for a command, with the importer's own role limits); only who may import the mission's roster may."""
    require(can_import_roster(actor, mission), _("Only the mission's coordinators import its roster."))
    return import_job_start(roster_imports, mission=mission, upload=upload, filename=filename, options={}, user=user)
