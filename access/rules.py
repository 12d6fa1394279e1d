"""Who may see and change what: one rule per kind of object, asked by every surface.

For each kind (a model label such as ``observers.membership``):
- ``visible_to(actor, model)``: the rows the actor may read (pages, API, exports, tasks);
- ``writable_by(actor, model)``: the rows the actor may change or point an id field at (admin change forms, every
  choice list, the API's related fields);
- ``can_view``, ``can_add``, ``can_change``, ``can_delete``: the same questions about one row or one kind.

An actor is an ``Actor`` (one mission) or a list of them (a user across their missions: the API and the admin);
a list sees the union of what each of its Actors sees. Rows of a mission where the actor holds no role are never
visible and never writable, so a forged id of another mission answers exactly like an id that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Model, Q, QuerySet

from .actors import Actor
from .roles import COORDINATING, WHOLE_MISSION, Role, may_grant, role_of_membership
from .verbs import can_list_every_form

NOTHING = Q(pk__in=[])
PUBLISHED_TEMPLATE_STATUSES = ("published", "retired")

# What each role may do with a kind of object in its mission. "view" is reading through the admin and writing
# surfaces; pages and the API read through `visible_to`, which also shows observers their own part of the mission.
ADMIN_READ = WHOLE_MISSION
WRITE = COORDINATING


@dataclass(frozen=True)
class Kind:
    """One kind of object: where its mission is, and which roles may view, add, change and delete it."""

    mission: str  # lookup from the row to its mission id
    view: frozenset = ADMIN_READ
    add: frozenset = WRITE
    change: frozenset = WRITE
    delete: frozenset = WRITE


NONE: frozenset = frozenset()

KINDS: dict[str, Kind] = {
    # Missions are created and deleted by superusers: a new mission has nobody with a role in it yet.
    "missions.mission": Kind("pk", add=NONE, delete=NONE),
    "missions.region": Kind("mission_id"),
    "missions.tec": Kind("mission_id"),
    "missions.pollingstation": Kind("mission_id"),
    # Personal data: the roster is for coordinators and the head of mission only.
    # A person's record belongs to the mission that recorded it (someone on two missions has a record in each).
    "observers.observer": Kind("mission_id", view=WRITE),
    "observers.observerlanguage": Kind("observer__mission_id", view=WRITE),
    "observers.membership": Kind("mission_id", view=WRITE),
    "observers.team": Kind("mission_id", view=WRITE),
    "observers.teammember": Kind("team__mission_id", view=WRITE),
    "observers.follower": Kind("mission_id", view=NONE, add=NONE, change=NONE, delete=NONE),
    # Published checklist versions are never deleted (the service and the admin refuse it).
    "checklists.formtemplate": Kind("mission_id"),
    "checklists.section": Kind("template__mission_id"),
    "checklists.question": Kind("template__mission_id"),
    "checklists.datarule": Kind("template__mission_id"),
    # Forms are recorded only through the observers' site and the API (their service decides), never typed in.
    "submissions.submission": Kind("mission_id", add=NONE, change=NONE, delete=NONE),
    "submissions.submissionrevision": Kind("submission__mission_id", add=NONE, change=NONE, delete=NONE),
    "submissions.answer": Kind("submission__mission_id", add=NONE, change=NONE, delete=NONE),
    "submissions.phaselock": Kind("mission_id", change=NONE),
    "deployment.teamassignment": Kind("mission_id", view=WRITE),
    "deployment.plannedvisit": Kind("assignment__mission_id", view=WRITE),
    "deployment.planningjob": Kind("mission_id", view=WRITE, add=NONE, change=NONE),
    # Report runs are requested and published through their service (core team; head of mission and analysts).
    "reports.reportrun": Kind("mission_id", add=NONE, change=NONE, delete=NONE),
    "reports.exportlog": Kind("mission_id", add=NONE, change=NONE, delete=NONE),
    # Official results: versions are imported by coordinators, never edited; the core team reads them.
    "results.resultsversion": Kind("mission_id", change=NONE, delete=NONE),
    "results.stationresult": Kind("version__mission_id", add=NONE, change=NONE, delete=NONE),
    "results.tecresult": Kind("version__mission_id", add=NONE, change=NONE, delete=NONE),
    "results.resultssettings": Kind("mission_id", add=NONE, delete=NONE),
    # Coordinators decide conflicts between teams' forms (through the run page's service); the core team reads them.
    "reports.conflictresolution": Kind("mission_id", add=NONE, change=NONE, delete=NONE),
    "submissions.revisionanswer": Kind("revision__submission__mission_id", add=NONE, change=NONE, delete=NONE),
    # A mission's region outlines for the cockpit map: its own geography, managed by its coordinators.
    "cockpit.mapoutline": Kind("mission_id", view=WRITE),
}


def label_of(model) -> str:
    return model._meta.label_lower


def kind_of(model) -> Kind | None:
    return KINDS.get(label_of(model))


def _actors(actor) -> list[Actor]:
    if actor is None:
        return []
    if isinstance(actor, Actor):
        return [actor]
    return list(actor)


def _any(conditions: Iterable[Q]) -> Q:
    combined = NOTHING
    for condition in conditions:
        combined |= condition
    return combined


def _model(label: str):
    return apps.get_model(label)


# ------------------------------------------------------------------------------------------------ reading scopes


def team_scope(actor: Actor) -> Q:
    """Teams an actor sees: the whole mission; an LTO's own team and the STO teams in its area; an STO's own team."""
    mission = Q(mission_id=actor.mission_id)
    if actor.sees_whole_mission:
        return mission
    if not actor.is_observer or actor.team_id is None:
        return NOTHING
    own = Q(pk=actor.team_id)
    if actor.role == Role.LTO:
        area = Q(lto_team_id=actor.team_id)
        if actor.region_ids:
            area |= Q(kind="sto", assignment__region_id__in=actor.region_ids)
        return mission & (own | area)
    return mission & own


def area_region_ids(actor: Actor) -> frozenset[int] | None:
    """The regions an actor works in: None for the whole mission (the core team), else an observer's area (an
    LTO's area regions, an STO team's assigned regions; empty without a team)."""
    if actor.sees_whole_mission:
        return None
    return actor.region_ids if actor.is_observer else frozenset()


def _team_ids(actor: Actor):
    Team = _model("observers.team")
    return Team.objects.filter(team_scope(actor)).values("pk")


def _membership_scope(actor: Actor) -> Q:
    if actor.sees_whole_mission:
        return Q(mission_id=actor.mission_id)
    if not actor.is_observer:
        return NOTHING
    scope = Q(mission_id=actor.mission_id, team_seats__team__in=_team_ids(actor))
    if actor.membership_id:
        scope |= Q(pk=actor.membership_id)
    return scope


def submission_scope(actor: Actor) -> Q:
    """The forms one actor may see (core team: all; LTO: their area and team; STO: their team; confidential
    records only to the core team and the team that wrote them)."""
    mission = Q(mission_id=actor.mission_id)
    if actor.sees_whole_mission:
        return mission
    if actor.role == Role.LTO:
        scope = Q(region_id__in=actor.region_ids)
        if actor.team_id is not None:
            scope |= Q(team_id=actor.team_id)
    elif actor.role == Role.STO and actor.team_id is not None:
        scope = Q(team_id=actor.team_id)
    else:
        return NOTHING
    own_team = Q(team_id=actor.team_id) if actor.team_id is not None else NOTHING
    return mission & scope & (Q(confidential=False) | own_team)


def form_list_scope(actor: Actor) -> Q:
    """The forms the observers' form list shows, of those the actor may read (``submission_scope``): every one to
    the core team (``can_list_every_form``), their own team's to anyone else, nothing to someone without a team."""
    if can_list_every_form(actor, actor.mission_id):
        return Q()
    return Q(team_id=actor.team_id) if actor.team_id is not None else NOTHING


def _read_scope(actor: Actor, label: str) -> Q:
    """The rows of one kind one actor may read (pages and API)."""
    mission = actor.mission_id
    if actor.is_follower:
        if label == "missions.mission":
            return Q(pk=mission)
        if label == "reports.reportrun":
            return Q(mission_id=mission, published=True, status="done")
        return NOTHING
    whole = actor.sees_whole_mission
    if label == "missions.mission":
        return Q(pk=mission)
    if label in ("missions.region", "missions.tec", "missions.pollingstation"):
        return Q(mission_id=mission)
    if label == "observers.membership":
        return _membership_scope(actor)
    if label in ("observers.observer", "observers.observerlanguage"):
        field = "pk" if label == "observers.observer" else "observer_id"
        if whole:
            return Q(**{"mission_id" if field == "pk" else "observer__mission_id": mission})
        Membership = _model("observers.membership")
        return Q(**{f"{field}__in": Membership.objects.filter(_membership_scope(actor)).values("observer_id")})
    if label == "observers.team":
        return team_scope(actor)
    if label == "observers.teammember":
        return Q(team__in=_team_ids(actor))
    if label in ("checklists.formtemplate", "checklists.section", "checklists.question", "checklists.datarule"):
        prefix = "" if label == "checklists.formtemplate" else "template__"
        scope = Q(**{f"{prefix}mission_id": mission})
        if not whole:
            scope &= Q(**{f"{prefix}status__in": PUBLISHED_TEMPLATE_STATUSES})
        return scope
    if label == "submissions.submission":
        return submission_scope(actor)
    if label in ("submissions.submissionrevision", "submissions.answer"):
        Submission = _model("submissions.submission")
        return Q(submission__in=Submission.objects.filter(submission_scope(actor)).values("pk"))
    if label == "submissions.phaselock":
        return Q(mission_id=mission) if whole else NOTHING
    if label == "deployment.teamassignment":
        return Q(mission_id=mission, team__in=_team_ids(actor))
    if label == "deployment.plannedvisit":
        return Q(assignment__mission_id=mission, assignment__team__in=_team_ids(actor))
    if label == "deployment.planningjob":
        return Q(mission_id=mission) if actor.is_coordinator else NOTHING
    if label in ("reports.reportrun", "reports.exportlog"):
        return Q(mission_id=mission) if whole else NOTHING
    if label == "incidents.case":
        # The core team works every case; observers follow those of their own team's forms.
        if whole:
            return Q(mission_id=mission)
        if actor.is_observer and actor.team_id is not None:
            return Q(mission_id=mission, submission__team_id=actor.team_id)
        return NOTHING
    kind = KINDS.get(label)
    if kind is not None and whole:
        return Q(**{kind.mission: mission})  # the core team's kinds: the whole mission
    return NOTHING  # a kind without a rule is nobody's


def _admin_scope(actor: Actor, label: str, verb: str) -> Q:
    """Rows of one kind one actor may view (verb "view") or change ("change", "delete") in the admin and the API."""
    kind = KINDS.get(label)
    if kind is None or actor.role not in getattr(kind, verb):
        return NOTHING
    if label == "observers.membership" and verb != "view":
        return membership_write_scope(actor)
    scope = _read_scope(actor, label)
    if label == "reports.reportrun" and actor.role not in WHOLE_MISSION:
        return NOTHING
    return scope


def membership_write_scope(actor: Actor) -> Q:
    """Memberships an actor may change: in their mission, never their own, never one ranked above their own role."""
    if not actor.is_coordinator:
        return NOTHING
    scope = Q(mission_id=actor.mission_id)
    if actor.superuser:
        return scope
    if actor.membership_id:
        scope &= ~Q(pk=actor.membership_id)
    # Only the head of mission outranks a coordinator.
    if actor.role != Role.HEAD_OF_MISSION:
        scope &= ~Q(role="head_of_mission")
    return scope


# ------------------------------------------------------------------------------------------------ the public rules


def _queryset(model_or_queryset) -> QuerySet:
    if isinstance(model_or_queryset, QuerySet):
        return model_or_queryset
    return model_or_queryset._default_manager.all()


def _superuser(actors: list[Actor]) -> bool:
    return any(actor.superuser for actor in actors)


def visible_to(actor, model_or_queryset) -> QuerySet:
    """The rows of a kind the actor (or list of actors) may read."""
    queryset = _queryset(model_or_queryset)
    actors = _actors(actor)
    if _superuser(actors):
        return queryset
    label = label_of(queryset.model)
    return queryset.filter(
        pk__in=queryset.model._default_manager.filter(_any(_read_scope(a, label) for a in actors)).values("pk")
    )


def admin_visible_to(actor, model_or_queryset) -> QuerySet:
    """The rows of a kind the actor may open in the admin (the core team; roster and plan: coordinators)."""
    return _scoped(actor, model_or_queryset, "view")


def writable_by(actor, model_or_queryset) -> QuerySet:
    """The rows of a kind the actor may change, or name in an id field of something they write."""
    return _scoped(actor, model_or_queryset, "change")


def deletable_by(actor, model_or_queryset) -> QuerySet:
    return _scoped(actor, model_or_queryset, "delete")


def _scoped(actor, model_or_queryset, verb: str) -> QuerySet:
    queryset = _queryset(model_or_queryset)
    actors = _actors(actor)
    if _superuser(actors):
        return queryset
    label = label_of(queryset.model)
    condition = _any(_admin_scope(a, label, verb) for a in actors)
    scoped = queryset.model._default_manager.filter(condition)
    if sum(1 for count in scoped.query.alias_refcount.values() if count) <= 1:
        # The condition reads the row's own columns (a mission id): no join can repeat a row, so filter directly and
        # let a count of 100,000 forms be one index-only scan rather than a join of the table with itself.
        return queryset.filter(condition)
    return queryset.filter(pk__in=scoped.values("pk"))


def can_view(actor, obj: Model) -> bool:
    return obj.pk is not None and visible_to(actor, type(obj)).filter(pk=obj.pk).exists()


def can_change(actor, obj: Model) -> bool:
    return obj.pk is not None and writable_by(actor, type(obj)).filter(pk=obj.pk).exists()


def can_delete(actor, obj: Model) -> bool:
    return obj.pk is not None and deletable_by(actor, type(obj)).filter(pk=obj.pk).exists()


def can_add(actor, model, mission_id: int | None = None) -> bool:
    """Whether the actor may add a row of this kind (in one mission when given, else in any of theirs)."""
    actors = _actors(actor)
    if _superuser(actors):
        return True
    kind = kind_of(model)
    if kind is None:
        return False
    return any(a.role in kind.add and (mission_id is None or a.mission_id == mission_id) for a in actors)


def may_read_kind(actor, model, verb: str = "view") -> bool:
    """Whether the actor holds, in some mission, a role that may `verb` this kind in the admin."""
    actors = _actors(actor)
    if _superuser(actors):
        return True
    kind = kind_of(model)
    return kind is not None and any(a.role in getattr(kind, verb) for a in actors)


# ------------------------------------------------------------------------------------------------ roles and runs


def can_grant(actor: Actor | None, role: str) -> bool:
    """Whether the actor may give someone this role in their mission: coordinators, never above their own rank."""
    if actor is None or not actor.is_coordinator:
        return False
    if actor.superuser:
        return True
    return may_grant(actor.role, role)


def can_set_membership(actor: Actor | None, *, membership, member_role: str, core_function: str) -> bool:
    """Whether the actor may create or change this membership so that it gives this role.

    In their own mission only; never their own membership; never one they could not grant; never to a role
    above their own.
    """
    if actor is None or not actor.is_coordinator or membership.mission_id != actor.mission_id:
        return False
    if actor.superuser:
        return True
    if membership.pk is not None and not can_change(actor, membership):
        return False
    return can_grant(actor, role_of_membership(member_role, core_function))
