"""Writes for the roster and teams. The team rules live here once; admin, imports and planning call them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from access import Actor, can_set_membership
from missions.models import Mission

from .choices import ROLES_FOR_TEAM_KIND, MemberStatus, TeamKind
from .models import Membership, Observer, Team, TeamMember

TEAM_SIZE = 2


def team_rule_errors(
    *, mission: Mission, kind: str, memberships: Sequence[Membership], team: Team | None = None
) -> list[str]:
    """Every team rule the proposed members break, as messages a coordinator can act on (empty when valid)."""
    errors: list[str] = []
    kind_label = TeamKind(kind).label
    if len(memberships) != TEAM_SIZE:
        errors.append(
            _("A team has exactly %(size)s members; this one would have %(n)s.")
            % {"size": TEAM_SIZE, "n": len(memberships)}
        )
    if len({m.pk for m in memberships}) != len(memberships):
        errors.append(_("The same observer is listed twice in the team."))
    allowed_roles = ROLES_FOR_TEAM_KIND[TeamKind(kind)]
    for membership in memberships:
        name = membership.observer.full_name
        if membership.mission_id != mission.pk:
            errors.append(_("%(name)s is not a member of %(mission)s.") % {"name": name, "mission": mission.name})
            continue
        if membership.role not in allowed_roles:
            errors.append(
                _("%(name)s is a %(role)s and cannot sit in an %(kind)s.")
                % {"name": name, "role": membership.get_role_display(), "kind": kind_label}
            )
        if membership.status == MemberStatus.WITHDRAWN:
            errors.append(_("%(name)s has withdrawn from the mission.") % {"name": name})
        if membership.observer.nationality == mission.host_country:
            errors.append(
                _("%(name)s is a national of the host country (%(country)s) and cannot observe there.")
                % {"name": name, "country": mission.host_country.name}
            )
    nationalities = [m.observer.nationality.code for m in memberships]
    if len(memberships) == TEAM_SIZE and len(set(nationalities)) < len(nationalities):
        errors.append(
            _("Both members are nationals of %(country)s; a team must be multinational.")
            % {"country": memberships[0].observer.nationality.name}
        )
    # No ordering: team formation calls this once per pair, and the default ordering's joins dominate the cost.
    taken = (
        TeamMember.objects.filter(membership__in=[m.pk for m in memberships])
        .select_related("team", "membership__observer")
        .order_by("pk")
    )
    if team is not None and team.pk:
        taken = taken.exclude(team=team)
    for seat in taken:
        errors.append(
            _("%(name)s is already in team %(team)s.")
            % {"name": seat.membership.observer.full_name, "team": seat.team.code}
        )
    return errors


def _load_memberships(ids_or_objects: Iterable) -> list[Membership]:
    ids = [getattr(item, "pk", item) for item in ids_or_objects]
    by_id = Membership.objects.select_related("observer", "mission").in_bulk(ids)
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise ValidationError(_("Unknown membership id(s): %(ids)s.") % {"ids": ", ".join(map(str, missing))})
    return [by_id[i] for i in ids]


@transaction.atomic
def team_create(
    *,
    mission: Mission,
    kind: str,
    code: str,
    members: Iterable,
    base_city: str = "",
    locked: bool = False,
    lto_team: Team | None = None,
    area_regions: Iterable = (),
    needs_interpreter: bool = False,
) -> Team:
    """Create a valid team of two; raises ValidationError with every broken rule and writes nothing."""
    memberships = _load_memberships(members)
    errors = team_rule_errors(mission=mission, kind=kind, memberships=memberships)
    if Team.objects.filter(mission=mission, code=code).exists():
        errors.append(_("Team code %(code)s is already used in this mission.") % {"code": code})
    if lto_team is not None and (kind != TeamKind.STO or lto_team.kind != TeamKind.LTO):
        errors.append(_("Only an STO team belongs to an LTO team's area."))
    if errors:
        raise ValidationError(errors)
    team = Team.objects.create(
        mission=mission,
        kind=kind,
        code=code,
        base_city=base_city,
        locked=locked,
        lto_team=lto_team,
        needs_interpreter=needs_interpreter,
    )
    TeamMember.objects.bulk_create([TeamMember(team=team, membership=m) for m in memberships])
    if area_regions:
        team.area_regions.set(area_regions)
    return team


@transaction.atomic
def team_set_members(*, team: Team, members: Iterable) -> Team:
    """Replace a team's two members, under the same rules as creating it."""
    memberships = _load_memberships(members)
    errors = team_rule_errors(mission=team.mission, kind=team.kind, memberships=memberships, team=team)
    if errors:
        raise ValidationError(errors)
    team.members.all().delete()
    TeamMember.objects.bulk_create([TeamMember(team=team, membership=m) for m in memberships])
    return team


def team_check(*, team: Team) -> list[str]:
    """The rules an existing team breaks (used by reviews and by the admin after inline edits)."""
    memberships = [seat.membership for seat in team.members.select_related("membership__observer")]
    return team_rule_errors(mission=team.mission, kind=team.kind, memberships=memberships, team=team)


@transaction.atomic
def observer_join(
    *, actor: Actor | None, mission: Mission, role: str, core_function: str = "", fields: dict
) -> Observer:
    """Record a new person on a mission's roster with a role; the actor must be allowed to give that role there.

    The record is the mission's own: an address used by another mission's person is no concern here (that record is
    neither read nor changed), and only an address already on this roster is refused. Any broken rule (host country
    national, the same address twice in this mission, a role above the actor's own) writes nothing.
    """
    membership = Membership(mission=mission, role=role, core_function=core_function or "")
    if not can_set_membership(actor, membership=membership, member_role=role, core_function=core_function or ""):
        raise PermissionDenied(_("You may not give this role in this mission."))
    observer = Observer(**{**fields, "mission": mission})
    observer.full_clean()
    observer.save()
    membership.observer = observer
    membership.full_clean()
    membership.save()
    return observer


@transaction.atomic
def membership_save(*, actor: Actor | None, membership: Membership, fields: dict) -> Membership:
    """Create or change a membership: only in the actor's mission, never their own, never to a role above theirs."""
    for name, value in fields.items():
        setattr(membership, name, value)
    if not can_set_membership(
        actor, membership=membership, member_role=membership.role, core_function=membership.core_function or ""
    ):
        raise PermissionDenied(_("You may not give this role in this mission, nor change your own."))
    membership.full_clean()
    membership.save()
    return membership


def observer_language_set(*, user, language: str) -> int:
    """Keep a language chosen on the site as the person's e-mail language; returns 1 when their record changed."""
    from django.conf import settings

    if language not in dict(settings.LANGUAGES):
        return 0
    return Observer.objects.filter(user=user).exclude(language=language).update(language=language)
