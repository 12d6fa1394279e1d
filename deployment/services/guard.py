"""The one check every deployment service makes before it changes anything, asked of the access layer."""

from __future__ import annotations

from django.utils.translation import gettext as _

from access import Actor, can_plan_deployment, require


def require_planner(actor: Actor | None, mission) -> None:
    """Refuse (PermissionDenied) unless the actor may plan this mission's deployment.

    Management commands and background jobs pass an actor too: see ``access.system_actor`` and ``job_actor``.
    """
    require(can_plan_deployment(actor, mission), _("Only the mission's coordinators plan the deployment."))
