"""A plausible election day for a mission: every STO team's forms along its planned route, and the LTO teams' reports.

Forms are built as an observer's device sends them and go through the recording service's own validation and
normalisation (`form_clean`, `submission_build`), then are written in bulk (synthetic.writing). UUIDs are derived
from the mission, team, kind and sequence, so running the generator again writes nothing new; the seed makes the
same answers every time.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Prefetch

from checklists.choices import OVERALL_ASSESSMENT_CODE, FormKind
from checklists.selectors import templates_published
from checklists.services import checklists_load_standard
from deployment.choices import VisitPurpose
from deployment.models import PlannedVisit, TeamAssignment
from missions.clock import local_zone
from missions.models import Mission, PollingStation, Tec
from observers.choices import TeamKind
from observers.models import Team, TeamMember
from submissions.models import Submission
from submissions.services import Place, form_clean, submission_build
from tallies.services import tallies_roll_up

from .answers import CRITICAL_URGENT_RATE, NOTES, OTHER_URGENT_RATE, AnswerMaker
from .writing import forms_write

UUID_NAMESPACE = uuid.UUID("6f1d7a52-94a8-4c3b-9a57-2c1f8e0b7d41")
VOTING_VISITS = (9, 11)


def form_build(
    *,
    mission: Mission,
    maker: AnswerMaker,
    payload: dict,
    station: PollingStation | None,
    tec: Tec | None = None,
    team: Team | None = None,
    user=None,
    key: uuid.UUID | None = None,
) -> tuple[Submission, list[tuple]]:
    """An unsaved submission and its answer tuples from a payload, judged by the recording service's own rules.

    `station` and `tec` must come with their regions loaded (the local time zone is read from them).
    """
    form = form_clean(template=maker.template, payload=payload, questions=maker.questions)
    tec = tec or (station.tec if station else None)
    place = Place(
        team=team,
        polling_station=station,
        tec=tec,
        region_id=station.region_id if station else (tec.region_id if tec else None),
    )
    return submission_build(mission=mission, form=form, place=place, questions=maker.questions, user=user, uuid=key)


def form_uuid(mission: Mission, team: Team, kind: str, sequence: int) -> uuid.UUID:
    """The deterministic UUID of a generated form."""
    return uuid.uuid5(UUID_NAMESPACE, f"{mission.slug}/{team.code}/{kind}/{sequence}")


def _local(day: datetime.date, hour: float) -> str:
    """A naive local ISO time on election day; hours past 24 run into the next day."""
    moment = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(minutes=int(hour * 60))
    return moment.isoformat(timespec="minutes")


def _team_plan(team: Team, stations_by_region: dict, stations_by_id: dict, rng: random.Random) -> dict | None:
    """Opening, voting stations (route order), counting station and tabulation TEC for one team."""
    assignment: TeamAssignment | None = getattr(team, "assignment", None)
    visits = list(assignment.visits.all()) if assignment is not None else []
    if visits:
        by_purpose = defaultdict(list)
        for visit in sorted(visits, key=lambda v: v.order):
            by_purpose[visit.purpose].append(stations_by_id.get(visit.polling_station_id))
        voting = [s for s in by_purpose[VisitPurpose.VOTING] if s is not None]
        opening = next((s for s in by_purpose[VisitPurpose.OPENING] if s is not None), voting[0] if voting else None)
        counting = next((s for s in by_purpose[VisitPurpose.COUNTING] if s is not None), voting[-1] if voting else None)
    else:
        if assignment is not None:
            region_ids = [assignment.region_id]
        elif team.lto_team is not None:
            region_ids = [region.pk for region in team.lto_team.area_regions.all()]
        else:
            region_ids = []
        pool = [station for region_id in region_ids for station in stations_by_region.get(region_id, [])]
        if not pool:
            return None
        if assignment is not None and assignment.tecs.all():
            tec_ids = {tec.pk for tec in assignment.tecs.all()}
            pool = [station for station in pool if station.tec_id in tec_ids] or pool
        chosen = rng.sample(pool, k=min(len(pool), VOTING_VISITS[1] + 1))
        opening, voting = chosen[0], chosen[1:]
        counting = voting[-1] if voting else opening
    if opening is None or counting is None:
        return None
    voting = voting[: rng.randint(*VOTING_VISITS)]
    tabulation_tec = assignment.tabulation_tec if assignment is not None and assignment.tabulation_tec else None
    return {
        "opening": opening,
        "voting": voting,
        "counting": counting,
        "tabulation_tec": tabulation_tec or counting.tec,
    }


def _first_user(team: Team):
    for seat in team.members.all():
        if seat.membership.observer.user_id:
            return seat.membership.observer.user
    return None


def _sto_forms(team: Team, plan: dict, day: datetime.date, rng: random.Random):
    """(kind, sequence, station, tec, arrival hour, departure hour) for each form of an STO team's day."""
    opening_arrival = rng.uniform(6.4, 6.8)
    yield FormKind.OPENING, 1, plan["opening"], None, opening_arrival, rng.uniform(7.4, 7.9)
    clock = rng.uniform(8.1, 8.6)
    for sequence, station in enumerate(plan["voting"], start=1):
        stay = rng.uniform(0.4, 0.7)
        yield FormKind.VOTING, sequence, station, None, clock, clock + stay
        clock += stay + rng.uniform(0.3, 0.7)
        clock = min(clock, 19.3)
    counting_arrival = max(clock, rng.uniform(19.3, 19.8))
    counting_departure = rng.uniform(22.5, 25.5)
    yield FormKind.COUNTING, 1, plan["counting"], None, counting_arrival, counting_departure
    yield FormKind.TABULATION, 1, None, plan["tabulation_tec"], counting_departure + 0.5, counting_departure + 2.5


@transaction.atomic
def election_day_generate(*, mission: Mission, seed: int = 2019) -> int:
    """Generate the demo mission's election day and LTO reporting; returns how many forms were written now."""
    templates = templates_published(mission=mission)
    if len(templates) < len(FormKind.values):
        checklists_load_standard(mission=mission)
        templates = templates_published(mission=mission)
    candidates = list(mission.candidates or [])
    generators = {kind: AnswerMaker(template, candidates) for kind, template in templates.items()}
    stations = list(PollingStation.objects.filter(mission=mission).select_related("region", "tec__region"))
    stations.sort(key=lambda station: station.number)  # Python's order, so every database samples alike
    stations_by_id = {station.pk: station for station in stations}
    stations_by_region: dict[int, list[PollingStation]] = defaultdict(list)
    for station in stations:
        stations_by_region[station.region_id].append(station)
    teams = (
        Team.objects.filter(mission=mission)
        .annotate(member_count=Count("members"))
        .filter(member_count__gt=0)
        .select_related("assignment__tabulation_tec__region", "lto_team")
        .prefetch_related(
            "lto_team__area_regions",
            "area_regions",
            "assignment__tecs",
            Prefetch("assignment__visits", queryset=PlannedVisit.objects.order_by("purpose", "order")),
            Prefetch("members", queryset=TeamMember.objects.select_related("membership__observer__user")),
        )
        .order_by("code")
    )
    existing = set(Submission.objects.filter(mission=mission).values_list("uuid", flat=True))
    built: list[tuple[Submission, list[tuple]]] = []

    def add(team, kind, sequence, payload, station, tec, user, received=None):
        generator = generators.get(kind)
        if generator is None:
            return
        key = form_uuid(mission, team, kind, sequence)
        if key in existing:
            return
        submission, values = form_build(
            mission=mission, maker=generator, payload=payload, station=station, tec=tec, team=team, user=user, key=key
        )
        if received is None:  # observation forms: sent on leaving, some from a car hours later (offline queue)
            delay = rng.uniform(2, 25) if rng.random() > 0.05 else rng.uniform(60, 240)
            received = submission.departure_time + datetime.timedelta(minutes=delay)
        submission.received_at = received
        built.append((submission, values))

    day = mission.election_day
    rng = random.Random(seed)
    for team in sorted(teams, key=lambda team: team.code):
        rng.seed(f"{seed}/{mission.slug}/{team.code}")
        user = _first_user(team)
        if team.kind == TeamKind.STO:
            plan = _team_plan(team, stations_by_region, stations_by_id, rng)
            if plan is None:
                continue
            for kind, sequence, station, tec, arrival, departure in _sto_forms(team, plan, day, rng):
                if kind not in generators:
                    continue
                answers = generators[kind].answers(
                    rng, voters=station.registered_voters if station else None, hour=arrival
                )
                payload = {
                    "answers": answers,
                    "arrival_time": _local(day, arrival),
                    "departure_time": _local(day, departure),
                }
                if station is not None:
                    payload["polling_station"] = station.pk
                if tec is not None:
                    payload["tec"] = tec.pk
                critical = generators[kind].critical(answers)
                payload["urgent"] = rng.random() < (CRITICAL_URGENT_RATE if critical else OTHER_URGENT_RATE)
                if critical or answers.get(OVERALL_ASSESSMENT_CODE) in ("bad", "very_bad") or rng.random() < 0.08:
                    payload["notes"] = rng.choice(NOTES)
                add(team, kind, sequence, payload, station, tec, user)
        else:
            _lto_forms(team, rng, generators, add, stations_by_region, day, local_zone(mission))
    forms_write(built)
    tallies_roll_up()  # the demo's forms arrive at once: fold them now rather than at the worker's next round
    return len(built)


def _before(day: datetime.date, zone, *, days: int, hour: float) -> datetime.datetime:
    """A local moment some days before election day."""
    moment = datetime.datetime.combine(day - datetime.timedelta(days=days), datetime.time()) + datetime.timedelta(
        minutes=int(hour * 60)
    )
    return moment.replace(tzinfo=zone)


def _lto_forms(team: Team, rng: random.Random, generators: dict, add, stations_by_region: dict, day, zone) -> None:
    """Four weekly reports, a handful of meeting records (about a third confidential) and a few incident reports."""
    area = [station for region in team.area_regions.all() for station in stations_by_region.get(region.pk, [])]
    user = _first_user(team)
    for week in range(1, 5):
        if FormKind.LTO_WEEKLY in generators:
            answers = generators[FormKind.LTO_WEEKLY].answers(rng, hour=12)
            week_day = day - datetime.timedelta(days=7 * (5 - week))
            answers["reporting_period"] = (week_day - datetime.timedelta(days=week_day.weekday())).isoformat()
            received = _before(day, zone, days=7 * (5 - week), hour=rng.uniform(17, 21))
            add(team, FormKind.LTO_WEEKLY, week, {"answers": answers}, None, None, user, received)
    for sequence in range(1, rng.randint(3, 6) + 1):
        if FormKind.MEETING in generators:
            answers = generators[FormKind.MEETING].answers(rng, hour=12)
            payload = {"answers": answers, "confidential": rng.random() < 0.3}
            received = _before(day, zone, days=rng.randint(3, 35), hour=rng.uniform(12, 20))
            add(team, FormKind.MEETING, sequence, payload, None, None, user, received)
    for sequence in range(1, rng.randint(0, 2) + 1):
        if FormKind.INCIDENT in generators:
            station = rng.choice(area) if area else None
            answers = generators[FormKind.INCIDENT].answers(
                rng, voters=station.registered_voters if station else None, hour=12
            )
            payload = {"answers": answers, "urgent": rng.random() < 0.5}
            if station is not None:
                payload["polling_station"] = station.pk
            received = _before(day, zone, days=rng.randint(1, 21), hour=rng.uniform(9, 22))
            add(team, FormKind.INCIDENT, sequence, payload, station, None, user, received)
