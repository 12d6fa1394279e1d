"""Reads of the observers' pages: each returns rows (or a queryset) with the joins its page needs, so views never
build queries. Who sees which form is decided by submissions.selectors.submissions_visible_to (the access layer's
rule); these narrow it to one page.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from access import Actor, form_list_scope, visible_to
from access.rules import team_scope
from checklists.choices import LTO_KINDS, FormKind
from checklists.models import FormTemplate
from config.queries import PreparedQuery
from deployment.models import PlannedVisit, TeamAssignment
from missions.models import Mission, PollingStation, Region, Tec, station_label
from observers.choices import TeamKind
from observers.models import Team, TeamMember
from submissions.models import Submission, SubmissionRevision
from submissions.selectors import submissions_visible_to, urgent_incidents

# A team's page and the home page list this many of its newest forms; the incidents page this many incidents.
TEAM_SUBMISSIONS_SHOWN = 200
INCIDENTS_SHOWN = 200


def team_with_members(*, team_id: int, actor: Actor | None = None) -> Team | None:
    """A team with its members and their observers, in two queries; None if there is no such team, or (given an
    actor) if the actor may not see it: the team itself, its LTOs and the core team do (``access.visible_to``)."""
    members = TeamMember.objects.select_related("membership__observer").order_by("membership__observer__full_name")
    teams = Team.objects.prefetch_related(Prefetch("members", queryset=members)).filter(pk=team_id)
    if actor is not None:
        teams = visible_to(actor, teams)
    return teams.first()


def team_plan(*, team: Team) -> TeamAssignment | None:
    """The team's plan for election day with its stations (one query per relation, whatever the route length)."""
    visits = PlannedVisit.objects.select_related("polling_station__tec", "polling_station__region").order_by(
        "purpose", "order", "id"
    )
    return (
        TeamAssignment.objects.filter(team=team)
        .select_related("region", "tabulation_tec")
        .prefetch_related(Prefetch("visits", queryset=visits), "tecs")
        .first()
    )


def team_forms(*, actor: Actor, mission: Mission, team: Team | int) -> list[Submission]:
    """A team's newest forms the actor may see, with their place (at most TEAM_SUBMISSIONS_SHOWN)."""
    team_id = getattr(team, "pk", team)
    forms = submissions_visible_to(actor=actor).filter(mission=mission, team_id=team_id)
    return list(forms.select_related("polling_station__region", "tec", "region")[:TEAM_SUBMISSIONS_SHOWN])


def area_reports(*, actor: Actor, mission: Mission) -> list[Submission]:
    """The LTO reports (weekly reports, meeting records, incident reports) of the actor's area, newest first."""
    reports = submissions_visible_to(actor=actor).filter(mission=mission, kind__in=LTO_KINDS)
    return list(reports.select_related("team", "region")[:TEAM_SUBMISSIONS_SHOWN])


def area_sto_teams(*, actor: Actor, mission: Mission) -> QuerySet[Team]:
    """The STO teams the actor sees (``access.rules.team_scope``: an LTO's area, the whole mission) with form counts."""
    teams = Team.objects.filter(mission=mission, kind=TeamKind.STO).filter(team_scope(actor))
    return (
        teams.select_related("assignment__region")
        .annotate(submission_count=Count("submissions", distinct=True))
        .distinct()
        .order_by("code")
    )


def station_of_mission(*, mission: Mission, station_id: int) -> PollingStation | None:
    """A polling station of the mission with its TEC and region."""
    return PollingStation.objects.select_related("tec", "region").filter(mission=mission, pk=station_id).first()


def tec_of_mission(*, mission: Mission, tec_id: int) -> Tec | None:
    """A TEC of the mission with its region."""
    return Tec.objects.select_related("region").filter(mission=mission, pk=tec_id).first()


# Every form sent asks for it: compiled once (config.queries).
_TEMPLATE_OF_MISSION = PreparedQuery(
    lambda mission_slug, template_id: (
        FormTemplate.objects.select_related("mission").filter(mission__slug=mission_slug, pk=template_id).order_by()[:1]
    ),
    "mission_slug",
    "template_id",
)


def mission_with_template(*, mission_slug: str, template_id: int | None) -> tuple[Mission | None, FormTemplate | None]:
    """A mission by slug and its checklist by id, in one query when both exist (the way a form is sent).

    (mission, None) when the checklist is missing or another mission's, (None, None) when the mission is unknown.
    """
    if template_id is not None:
        template = _TEMPLATE_OF_MISSION.first(mission_slug=mission_slug, template_id=template_id)
        if template is not None:
            return template.mission, template
    return Mission.objects.filter(slug=mission_slug).order_by().first(), None


def regions_in_area(*, mission: Mission, region_ids: set[int] | frozenset[int] | None) -> list[dict]:
    """The mission's regions by name ({"pk", "name"}), all of them when `region_ids` is None."""
    regions = Region.objects.filter(mission=mission)
    if region_ids is not None:
        regions = regions.filter(pk__in=region_ids)
    return list(regions.order_by("name").values("pk", "name"))


def tecs_in_area(*, mission: Mission, region_ids: set[int] | frozenset[int] | None, limit: int = 50) -> list[Tec]:
    """The mission's TECs by code, of the given regions or all of them when `region_ids` is None."""
    tecs = Tec.objects.filter(mission=mission)
    if region_ids is not None:
        tecs = tecs.filter(region_id__in=region_ids)
    return list(tecs.order_by("code")[:limit])


def forms_sent_by_team(*, actor: Actor, mission: Mission, stations: list, tecs: list) -> dict:
    """The team's newest form per (kind, station or TEC) among those listed, in one query."""
    if actor.team_id is None or not (stations or tecs):
        return {}
    place = Q(polling_station__in=[station.pk for station in stations]) | Q(
        kind=FormKind.TABULATION, tec__in=[tec.pk for tec in tecs]
    )
    return newest_by_place(submissions_visible_to(actor=actor).filter(place, mission=mission, team_id=actor.team_id))


def newest_by_place(submissions) -> dict:
    """The first form (the newest, as listed) per (kind, station id), or (tabulation, TEC id) for a TEC's count."""
    by_place: dict = {}
    for submission in submissions:
        where = submission.tec_id if submission.kind == FormKind.TABULATION else submission.polling_station_id
        by_place.setdefault((submission.kind, where), submission)
    return by_place


def form_already_sent(
    *, actor: Actor, mission: Mission, kind: str, station: PollingStation | None, tec: Tec | None
) -> Submission | None:
    """The form of this kind the actor's team already sent for the station (or, for tabulation, the TEC)."""
    place = {"polling_station": station} if station is not None else {"tec": tec}
    ours = submissions_visible_to(actor=actor).filter(mission=mission, team_id=actor.team_id, kind=kind)
    return ours.filter(**place).first()


def submission_listing(*, actor: Actor, mission: Mission, kind: str = "") -> QuerySet[Submission]:
    """The forms the list page shows: the team's own for observers, all the actor sees otherwise; of one kind."""
    submissions = submissions_visible_to(actor=actor).filter(mission=mission).filter(form_list_scope(actor))
    if kind:
        submissions = submissions.filter(kind=kind)
    return submissions.select_related("team", "polling_station__region", "tec", "region")


def submission_in_scope(*, actor: Actor, mission: Mission, uuid) -> Submission | None:
    """One form of the mission by UUID if the actor may see it (None otherwise, whether or not it exists)."""
    return (
        submissions_visible_to(actor=actor)
        .filter(mission=mission, uuid=uuid)
        .select_related("template", "team", "polling_station__region", "tec", "region")
        .first()
    )


def revisions_newest_first(*, submission: Submission) -> list[SubmissionRevision]:
    """Every version of a form, newest first, with who made it."""
    return list(submission.revisions.select_related("changed_by").order_by("-revision"))


def header_names(*, mission: Mission, ids: dict[str, set[int]]) -> dict[str, dict[int, str]]:
    """What the header ids of a form's versions name, one query per kind of id: a station by its region and number
    (as every page names it), a TEC by its name, a team by its code. An id of another mission names nothing."""
    names: dict[str, dict[int, str]] = {}
    if ids.get("polling_station"):
        stations = PollingStation.objects.filter(mission=mission, pk__in=ids["polling_station"])
        names["polling_station"] = {
            pk: station_label(region, number)
            for pk, region, number in stations.values_list("pk", "region__name", "number")
        }
    for key, model, field in (("tec", Tec, "name"), ("team", Team, "code")):
        if ids.get(key):
            names[key] = dict(model.objects.filter(mission=mission, pk__in=ids[key]).values_list("pk", field))
    return names


def incidents_listed(*, mission: Mission) -> list[Submission]:
    """The newest urgent or critical forms of the mission, with team and place (at most INCIDENTS_SHOWN)."""
    incidents = urgent_incidents(mission=mission).select_related("team", "polling_station__region", "tec", "region")
    return list(incidents[:INCIDENTS_SHOWN])
