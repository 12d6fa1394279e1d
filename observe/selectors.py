"""Reads the observers' pages need beyond the forms themselves: a team with its members, a team's plan."""

from __future__ import annotations

from django.db.models import Prefetch

from observers.models import Team, TeamMember


def team_with_members(team_id: int) -> Team | None:
    """A team with its members and their observers, in two queries (None if there is no such team)."""
    members = TeamMember.objects.select_related("membership__observer").order_by("membership__observer__full_name")
    return Team.objects.prefetch_related(Prefetch("members", queryset=members)).filter(pk=team_id).first()
