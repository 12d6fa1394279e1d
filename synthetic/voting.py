"""Voting forms in bulk, any number: the STO teams of a synthetic mission visiting stations of their deployment areas
through election day, answers drawn by synthetic.answers, stored exactly as `submission_record` would store them.

Form `index` of a mission has a UUID derived from the mission and the index and an answer stream seeded by the
index's batch, so `voting_forms_generate(count=n, start=k)` always makes the same forms k .. k+n-1, and a mission
can be grown in steps.
"""

from __future__ import annotations

import datetime
import random
import uuid

from django.db.models import Prefetch

from checklists.choices import FormKind
from checklists.models import FormTemplate
from checklists.selectors import templates_published
from deployment.choices import VisitPurpose
from deployment.models import PlannedVisit, TeamAssignment
from missions.models import Mission, PollingStation
from submissions.models import Submission

from .answers import SHORT_NOTES, AnswerMaker
from .election_day import UUID_NAMESPACE, form_build
from .writing import BATCH, forms_write


def voting_template(mission: Mission) -> FormTemplate:
    """The mission's published voting checklist, with its questions and rules loaded (no query per form)."""
    template = templates_published(mission=mission).get(FormKind.VOTING)
    if template is None:
        raise FormTemplate.DoesNotExist(f"Mission {mission.slug} has no published voting checklist.")
    return template


def _team_pools(mission: Mission) -> list[tuple[int, list[PollingStation]]]:
    """(team id, stations it may visit) for each planned STO team: its voting route, else its TECs' stations."""
    stations = PollingStation.objects.filter(mission=mission).select_related("region", "tec__region").order_by("id")
    by_id = {station.pk: station for station in stations}
    by_tec: dict[int, list[PollingStation]] = {}
    for station in by_id.values():
        by_tec.setdefault(station.tec_id, []).append(station)
    pools = []
    assignments = (
        TeamAssignment.objects.filter(mission=mission)
        .prefetch_related("tecs", Prefetch("visits", queryset=PlannedVisit.objects.filter(purpose=VisitPurpose.VOTING)))
        .order_by("team__code")
    )
    for assignment in assignments:
        pool = [by_id[visit.polling_station_id] for visit in assignment.visits.all()]
        pool = pool or [station for tec in assignment.tecs.all() for station in by_tec.get(tec.pk, [])]
        if pool:
            pools.append((assignment.team_id, pool))
    if not pools:
        raise ValueError(f"Mission {mission.slug} has no STO team with a deployment area; plan it first.")
    return pools


def voting_form_uuid(mission: Mission, index: int) -> uuid.UUID:
    """The UUID of a mission's generated voting form number `index`."""
    return uuid.uuid5(UUID_NAMESPACE, f"{mission.slug}/voting/{index}")


def voting_forms_generate(*, mission: Mission, count: int, start: int = 0, seed: int = 2019) -> int:
    """Add voting forms number `start` .. `start + count - 1` to a planned mission; returns how many were written."""
    template = voting_template(mission)
    maker = AnswerMaker(template, list(mission.candidates or []))
    pools = _team_pools(mission)
    teams = {team.pk: team for team in mission.teams.all()}
    day = mission.election_day
    written = 0
    for batch_start in range(start, start + count, BATCH):
        batch_end = min(start + count, batch_start + BATCH)
        rng = random.Random(f"{mission.slug}-{seed}-{batch_start}")
        built = []
        for index in range(batch_start, batch_end):
            team_id, pool = pools[index % len(pools)]
            station = pool[(index // len(pools) + rng.randrange(len(pool))) % len(pool)]
            hour = rng.uniform(7.5, 19.5)
            arrival = datetime.datetime.combine(day, datetime.time(int(hour), int(hour % 1 * 60)))
            departure = arrival + datetime.timedelta(minutes=rng.randint(20, 45))
            payload = {
                "polling_station": station.pk,
                "arrival_time": arrival.isoformat(timespec="minutes"),
                "departure_time": departure.isoformat(timespec="minutes"),
                "urgent": rng.random() < 0.015,
                "notes": rng.choice(SHORT_NOTES) if rng.random() < 0.2 else "",
                "answers": maker.answers(rng, voters=station.registered_voters, hour=hour),
            }
            submission, values = form_build(
                mission=mission,
                maker=maker,
                payload=payload,
                station=station,
                team=teams[team_id],
                key=voting_form_uuid(mission, index),
            )
            # Received over the evening, in order: the admin list and incident feeds sort by it.
            submission.received_at = submission.departure_time + datetime.timedelta(minutes=15)
            built.append((submission, values))
        existing = set(Submission.objects.filter(uuid__in=[s.uuid for s, _v in built]).values_list("uuid", flat=True))
        written += len(forms_write([(s, v) for s, v in built if s.uuid not in existing]))
    return written
