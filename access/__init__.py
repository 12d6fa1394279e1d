"""The one access layer: who a user is in a mission (an Actor with a Role), and what each Actor may see and change.

Every surface asks it: pages, the API, the admin, imports, exports, Celery tasks and management commands. It sits
below the domain apps and imports none of them (models are reached through the app registry).
"""

from .actors import Actor, actor_for, actor_in, actors_for, forget_actors, missions_for, system_actor
from .roles import Role, may_grant, role_of_membership
from .rules import (
    admin_visible_to,
    can_add,
    can_change,
    can_compile,
    can_delete,
    can_grant,
    can_publish,
    can_set_membership,
    can_view,
    deletable_by,
    require_coordinator,
    team_scope,
    visible_to,
    writable_by,
)

__all__ = [
    "Actor",
    "Role",
    "actor_for",
    "actor_in",
    "actors_for",
    "admin_visible_to",
    "can_add",
    "can_change",
    "can_compile",
    "can_delete",
    "can_grant",
    "can_publish",
    "can_set_membership",
    "can_view",
    "deletable_by",
    "forget_actors",
    "may_grant",
    "missions_for",
    "require_coordinator",
    "role_of_membership",
    "system_actor",
    "team_scope",
    "visible_to",
    "writable_by",
]
