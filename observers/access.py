"""Who may see what inside a mission: the names pages import from here live in the access layer (``access``).

Kept so that ``from observers.access import actor_for, Actor`` goes on working; the rules themselves are written
once, in ``access``.
"""

from __future__ import annotations

from access import Actor, Role, actor_for, actors_for, missions_for


def is_odihr_staff(user) -> bool:
    """Whether the user follows at least one mission as ODIHR staff (read-only, published runs only)."""
    from .models import Follower

    if user is None or not user.is_authenticated:
        return False
    return Follower.objects.filter(user=user).exists()


__all__ = ["Actor", "Role", "actor_for", "actors_for", "is_odihr_staff", "missions_for"]
