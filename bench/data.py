"""Realistic benchmark data: a mission shaped like Kazakhstan 2019 at any size, and voting forms in bulk.

`dataset_ensure(forms=N)` returns a mission (slug ``bench-<N>``) with geography, a roster of STO teams with their
deployment areas, the standard checklists, logins for a few STO teams and a coordinator, and N voting forms whose
answers are drawn by the demo election day's generator (submissions.demo): most processes go as they should, each
question has its own rate of problems, overall assessments follow what was seen, and turnout grows through the day.
A second call reuses what is there and only adds missing forms, so several benchmarks share it.

Rows are built with the services' own canonical payload and hash, then written with PostgreSQL COPY (bulk_create on
SQLite), so a 100,000-form mission takes about two minutes on two cores and stores exactly what
`submission_record` would.
"""

from __future__ import annotations

import datetime
import json
import random
import uuid as uuid_module
import zoneinfo
from dataclasses import dataclass, field
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from checklists.choices import OVERALL_ASSESSMENT_CODE, FormKind
from checklists.models import FormTemplate
from checklists.selectors import template_questions
from checklists.services import checklists_load_standard
from deployment.models import TeamAssignment
from missions.choices import AreaType, ElectionType, MissionStatus, RegionKind
from missions.demo import CANDIDATES, LTO_AREAS, REGIONS, SECONDING_STATES
from missions.models import Mission, PollingStation, Region, Tec
from observers.choices import Gender, MemberRole, MemberStatus, TeamKind
from observers.models import Membership, Observer, Team, TeamMember
from submissions.choices import SubmissionStatus
from submissions.models import Answer, RevisionAnswer, Submission, SubmissionRevision
from submissions.services import (
    CleanForm,
    Place,
    _has_critical,
    answer_values,
    canonical_payload,
    content_hash,
    revision_build,
)
from submissions.services.recording import REVISION_FIELDS
from tallies.cells import hour_of
from tallies.services import pending_events, tallies_roll_up, tally_revisions_add

BENCH_PASSWORD = "bench-observe-2019"  # noqa: S105 -- benchmark database only
DEMO_STATIONS = sum(row[4] for row in REGIONS)
DEFAULT_STATIONS = DEMO_STATIONS  # 9,968 as in 2019
ELECTION_DAY = datetime.date(2019, 6, 9)
LOGIN_TEAMS = 64  # STO teams given a login (the ingest clients); more teams exist without one
BATCH = 10_000
SHORT_NOTES = [
    "Queue outside at arrival, orderly.",
    "Chair was helpful and answered all questions.",
    "Police officer inside the premises for the whole visit.",
    "Several voters could not find their names on the list.",
    "Cramped premises; the booths faced the windows.",
    "Identical signatures on a page of the voter list.",
    "A local official was giving instructions to the commission.",
    "Voters photographed their ballots openly.",
]
SUMMARY_TEXTS = [
    "Two voters were turned away for lack of ID; the chair explained the rule calmly.",
    "A complaint about campaign posters near the entrance; the PEC said it would forward it.",
    "A person in the queue told voters whom to vote for; the police did not intervene.",
    "The chair refused to accept a written complaint from a citizen observer.",
]


@dataclass
class Dataset:
    """A benchmark mission and what the benchmarks need from it."""

    mission: Mission
    template: FormTemplate
    forms: int
    stations: int
    sto_teams: int
    # (username, team id, polling station ids the team may observe) for the STO teams that can log in
    team_logins: list[tuple[str, int, list[int]]] = field(default_factory=list)
    coordinator: str = ""
    generate_seconds: float = 0.0
    # Folding the tally events of the forms written now (what the worker does as they arrive).
    fold_seconds: float = 0.0


# ---------------------------------------------------------------------------------------------------------------------
# The mission: geography, roster, teams and their areas, logins


def _slug(forms: int) -> str:
    return f"bench-{forms}"


def _mission(slug: str, stations: int) -> Mission:
    mission, _ = Mission.objects.get_or_create(
        slug=slug,
        defaults={
            "name": f"Benchmark mission ({slug}, {stations} stations)",
            "host_country": "KZ",
            "election_type": ElectionType.EARLY_PRESIDENTIAL,
            "election_day": ELECTION_DAY,
            "opening_date": datetime.date(2019, 5, 2),
            "lto_deployment_date": datetime.date(2019, 5, 8),
            "sto_arrival_date": datetime.date(2019, 6, 6),
            "closing_date": datetime.date(2019, 6, 20),
            "status": MissionStatus.ELECTION_DAY,
            "time_zone": "Asia/Almaty",
            "local_languages": ["ru", "kk"],
            "candidates": CANDIDATES,
            "ltos_requested": 22,
        },
    )
    return mission


def _geography(mission: Mission, stations: int, rng: random.Random) -> None:
    """The 17 units of 2019 with their TECs and stations, scaled so the total is `stations`."""
    Region.objects.bulk_create(
        [Region(mission=mission, code=code, name=name, kind=kind, time_zone=tz) for code, name, kind, tz, *_ in REGIONS]
    )
    regions = {region.code: region for region in Region.objects.filter(mission=mission)}
    counts = [max(3, round(row[4] * stations / DEMO_STATIONS)) for row in REGIONS]
    counts[counts.index(max(counts))] += stations - sum(counts)  # exact total
    tecs, planned = [], []
    for region_index, ((code, name, kind, _tz, _count, voters, centre, urban_share), count) in enumerate(
        zip(REGIONS, counts, strict=True)
    ):
        tec_count = max(2, round(count / 55))
        region_tecs = [f"{region_index + 1:02d}-{t + 1:03d}" for t in range(tec_count)]
        tecs += [
            Tec(mission=mission, region=regions[code], code=tec_code, name=f"{centre if t == 0 else name} TEC {t:03d}")
            for t, tec_code in enumerate(region_tecs)
        ]
        urban_count = round(count * urban_share)
        per_station = voters / REGIONS[region_index][4]  # the 2019 average size of a station in this region
        for s in range(count):
            urban = s < urban_count or kind == RegionKind.CITY
            planned.append((code, region_tecs[s % tec_count], urban, per_station))
    Tec.objects.bulk_create(tecs, batch_size=5000)
    tec_ids = dict(Tec.objects.filter(mission=mission).values_list("code", "id"))
    PollingStation.objects.bulk_create(
        [
            PollingStation(
                mission=mission,
                region=regions[code],
                tec_id=tec_ids[tec_code],
                number=f"{number:06d}",
                name=f"School No. {number % 150 + 1}" if urban else f"Village club {number % 60 + 1}",
                address=f"{number} Central St",
                area_type=AreaType.URBAN if urban else AreaType.RURAL,
                registered_voters=max(30, round(per_station * (1.6 if urban else 0.6) * rng.uniform(0.7, 1.3))),
            )
            for number, (code, tec_code, urban, per_station) in enumerate(planned, start=1)
        ],
        batch_size=5000,
    )


def _people(mission: Mission, sto_teams: int, rng: random.Random) -> None:
    """LTO and STO teams of two (different nationalities), each STO team with a region and one or two TECs."""
    states = [code for code, weight in SECONDING_STATES for _ in range(weight)]
    lto_count, sto_count = len(LTO_AREAS) * 2, sto_teams * 2
    observers = []
    for index in range(1 + lto_count + sto_count):
        role = "hom" if index == 0 else ("lto" if index <= lto_count else "sto")
        observers.append(
            Observer(
                full_name=f"Observer {role.upper()} {index:06d}",
                gender=Gender.FEMALE if rng.random() < 0.47 else Gender.MALE,
                # Consecutive observers (a team) never share a nationality.
                nationality=states[(index * 7) % len(states)]
                if index % 2 == 0
                else states[(index * 7 + 3) % len(states)],
                email=f"{mission.slug}.{role}{index:06d}@bench.example",
            )
        )
    for first, second in zip(observers[1::2], observers[2::2], strict=False):
        if first.nationality == second.nationality:
            second.nationality = "GB" if first.nationality != "GB" else "DE"
    Observer.objects.bulk_create(observers, batch_size=5000)
    by_email = Observer.objects.filter(email__endswith="@bench.example", email__startswith=f"{mission.slug}.").in_bulk(
        field_name="email"
    )
    memberships = []
    for index, person in enumerate(observers):
        role = MemberRole.HEAD_OF_MISSION if index == 0 else (MemberRole.LTO if index <= lto_count else MemberRole.STO)
        memberships.append(
            Membership(
                mission=mission,
                observer=by_email[person.email],
                role=role,
                status=MemberStatus.DEPLOYED,
                first_mission=rng.random() < 0.3,
            )
        )
    Membership.objects.bulk_create(memberships, batch_size=5000)
    membership_ids = dict(
        Membership.objects.filter(mission=mission).values_list("observer__email", "id")
    )  # email -> membership
    regions = {region.code: region for region in Region.objects.filter(mission=mission)}
    Team.objects.bulk_create(
        [Team(mission=mission, kind=TeamKind.LTO, code=code, base_city=city) for code, city, _area in LTO_AREAS]
        + [Team(mission=mission, kind=TeamKind.STO, code=f"STO-{n:05d}") for n in range(1, sto_teams + 1)],
        batch_size=5000,
    )
    teams = {team.code: team for team in Team.objects.filter(mission=mission)}
    area_through = Team.area_regions.through
    area_through.objects.bulk_create(
        [
            area_through(team_id=teams[code].pk, region_id=regions[region_code].pk)
            for code, _city, area in LTO_AREAS
            for region_code in area
        ]
    )
    lto_of_region = {region_code: teams[code] for code, _city, area in LTO_AREAS for region_code in area}
    ordered_codes = [code for code, *_ in LTO_AREAS] + [f"STO-{n:05d}" for n in range(1, sto_teams + 1)]
    TeamMember.objects.bulk_create(
        [
            TeamMember(team=teams[code], membership_id=membership_ids[observers[1 + 2 * i + j].email])
            for i, code in enumerate(ordered_codes)
            for j in (0, 1)
        ],
        batch_size=5000,
    )
    # STO teams spread over regions in proportion to their polling stations (largest remainder).
    station_counts = _station_counts(mission)
    total = sum(station_counts.values())
    quotas = {code: sto_teams * count / total for code, count in station_counts.items()}
    seats = {code: int(quota) for code, quota in quotas.items()}
    for code in sorted(quotas, key=lambda c: quotas[c] - seats[c], reverse=True)[: sto_teams - sum(seats.values())]:
        seats[code] += 1
    tecs_by_region: dict[str, list[int]] = {}
    for tec_id, region_code in Tec.objects.filter(mission=mission).values_list("id", "region__code").order_by("code"):
        tecs_by_region.setdefault(region_code, []).append(tec_id)
    region_of_team = [code for code in sorted(seats) for _ in range(seats[code])]
    sto_codes = [f"STO-{n:05d}" for n in range(1, sto_teams + 1)]
    assignments, tec_links = [], []
    cursor_by_region = dict.fromkeys(seats, 0)
    for code, region_code in zip(sto_codes, region_of_team, strict=True):
        team = teams[code]
        team.lto_team = lto_of_region[region_code]
        region_tecs = tecs_by_region[region_code]
        start = cursor_by_region[region_code]
        cursor_by_region[region_code] += 1
        chosen = [region_tecs[start % len(region_tecs)]]
        if len(region_tecs) > 1 and rng.random() < 0.4:
            chosen.append(region_tecs[(start + 1) % len(region_tecs)])
        assignments.append(
            TeamAssignment(
                team=team,
                mission=mission,
                region=regions[region_code],
                tabulation_tec_id=chosen[0],
                quota=round(quotas[region_code], 3),
            )
        )
        tec_links.append((code, chosen))
    Team.objects.bulk_update([teams[code] for code in sto_codes], ["lto_team"], batch_size=5000)
    TeamAssignment.objects.bulk_create(assignments, batch_size=5000)
    assignment_ids = dict(TeamAssignment.objects.filter(mission=mission).values_list("team__code", "id"))
    tec_through = TeamAssignment.tecs.through
    tec_through.objects.bulk_create(
        [
            tec_through(teamassignment_id=assignment_ids[code], tec_id=tec_id)
            for code, chosen in tec_links
            for tec_id in chosen
        ],
        batch_size=5000,
    )


def _station_counts(mission: Mission) -> dict[str, int]:
    counts: dict[str, int] = {}
    for region_code in PollingStation.objects.filter(mission=mission).values_list("region__code", flat=True):
        counts[region_code] = counts.get(region_code, 0) + 1
    return counts


def _logins(mission: Mission) -> None:
    """A login for the first STO teams (one member each) and a coordinator (the head of mission)."""
    user_model = get_user_model()
    password = make_password(BENCH_PASSWORD)  # hashed once: the same hash for every benchmark login
    seats = list(
        TeamMember.objects.filter(team__mission=mission, team__kind=TeamKind.STO)
        .select_related("team", "membership__observer")
        .order_by("team__code", "membership__observer__email")
    )
    first_seat = {}
    for seat in seats:
        first_seat.setdefault(seat.team.code, seat)
    chosen = [first_seat[code] for code in sorted(first_seat)[:LOGIN_TEAMS]]
    users = user_model.objects.bulk_create(
        [user_model(username=f"{mission.slug}-{seat.team.code.lower()}", password=password) for seat in chosen]
    )
    users = user_model.objects.in_bulk(
        [f"{mission.slug}-{seat.team.code.lower()}" for seat in chosen], field_name="username"
    )
    observers = []
    for seat in chosen:
        observer = seat.membership.observer
        observer.user = users[f"{mission.slug}-{seat.team.code.lower()}"]
        observers.append(observer)
    Observer.objects.bulk_update(observers, ["user"])
    # Roles come from the memberships: the head of mission's login coordinates this mission only.
    coordinator = user_model.objects.create(username=f"{mission.slug}-coordinator", password=password)
    head = Membership.objects.select_related("observer").get(mission=mission, role=MemberRole.HEAD_OF_MISSION)
    head.observer.user = coordinator
    head.observer.save(update_fields=["user"])
    mission.head_of_mission = head.observer
    mission.save(update_fields=["head_of_mission"])


def mission_generate(*, slug: str, stations: int = DEFAULT_STATIONS, sto_teams: int = 150, seed: int = 2019) -> Mission:
    """Create a benchmark mission with geography, roster, teams with areas, checklists and logins (no forms)."""
    with transaction.atomic():
        mission = _mission(slug, stations)
        if not mission.polling_stations.exists():
            rng = random.Random(seed)
            _geography(mission, stations, rng)
            _people(mission, sto_teams, rng)
            _logins(mission)
        checklists_load_standard(mission=mission)
    return mission


# ---------------------------------------------------------------------------------------------------------------------
# Answers: the demo election day's generator (one set of problem rates for the demo and the benchmarks)


class AnswerMaker:
    """Plausible cleaned answers to one checklist, as the demo election day draws them, and their stored rows."""

    def __init__(self, template: FormTemplate, candidates: list[str]):
        from submissions.demo import _Generator

        self.questions = template_questions(template)
        self._generator = _Generator(template, self.questions, candidates)

    def answers(self, rng: random.Random, *, voters: int, hour: float) -> dict:
        return self._generator.answers(rng, _Voters(voters), int(hour))

    def rows(self, answers: dict) -> list[tuple]:
        """(question_code, value, number, text) per Answer row, exactly as the recording service stores them."""
        return answer_values(self.questions, answers)

    def critical(self, answers: dict) -> bool:
        return _has_critical(self.questions, answers)


@dataclass
class _Voters:
    """The one thing the answer generator reads from a polling station."""

    registered_voters: int


# ---------------------------------------------------------------------------------------------------------------------
# Forms


@dataclass
class _Station:
    pk: int
    tec_id: int
    region_id: int
    area_type: str
    voters: int


class _Ref:
    """Just enough of a model instance for canonical_payload (it reads .pk)."""

    __slots__ = ("pk",)

    def __init__(self, pk):
        self.pk = pk


def form_rows(mission: Mission, template: FormTemplate, count: int, *, seed: int, start: int = 0):
    """Yield (submission fields, answer rows) for `count` voting forms, deterministic for a seed and start."""
    maker = AnswerMaker(template, list(mission.candidates or []))
    rng = random.Random(f"{mission.slug}-{seed}-{start}")
    stations_by_tec: dict[int, list[_Station]] = {}
    region_zone: dict[int, str] = dict(mission.regions.values_list("id", "time_zone"))
    for pk, tec_id, region_id, area_type, voters in mission.polling_stations.values_list(
        "id", "tec_id", "region_id", "area_type", "registered_voters"
    ).order_by("id"):
        stations_by_tec.setdefault(tec_id, []).append(_Station(pk, tec_id, region_id, area_type, voters))
    team_stations: list[tuple[int, list[_Station]]] = []
    for assignment in TeamAssignment.objects.filter(mission=mission).prefetch_related("tecs").order_by("team__code"):
        pool = [station for tec in assignment.tecs.all() for station in stations_by_tec.get(tec.pk, [])]
        if pool:
            team_stations.append((assignment.team_id, pool))
    if not team_stations:
        raise ValueError(f"Mission {mission.slug} has no STO team with a deployment area; generate the mission first.")
    zones = {
        region_id: zoneinfo.ZoneInfo(name or mission.time_zone or "UTC") for region_id, name in region_zone.items()
    }
    for index in range(start, start + count):
        team_id, pool = team_stations[index % len(team_stations)]
        station = pool[(index // len(team_stations) + rng.randrange(len(pool))) % len(pool)]
        hour = rng.uniform(7.5, 19.5)
        arrival = datetime.datetime.combine(
            ELECTION_DAY, datetime.time(int(hour), int(hour % 1 * 60)), tzinfo=zones[station.region_id]
        )
        departure = arrival + datetime.timedelta(minutes=rng.randint(20, 45))
        answers = maker.answers(rng, voters=station.voters, hour=hour)
        urgent = rng.random() < 0.015
        notes = rng.choice(SHORT_NOTES) if rng.random() < 0.2 else ""
        form = CleanForm(template=template, urgent=urgent, notes=notes, answers=answers)
        place = Place(team=_Ref(team_id), polling_station=_Ref(station.pk), tec=_Ref(station.tec_id), region_id=None)
        canonical = canonical_payload(form, place, arrival, departure)
        has_critical = maker.critical(answers)
        fields = {
            "uuid": uuid_module.UUID(int=rng.getrandbits(128), version=4),
            "team_id": team_id,
            "polling_station_id": station.pk,
            "tec_id": station.tec_id,
            "region_id": station.region_id,
            "area_type": station.area_type,
            "arrival_time": arrival.astimezone(datetime.UTC),
            "departure_time": departure.astimezone(datetime.UTC),
            "notes": notes,
            "urgent": urgent,
            "has_critical": has_critical,
            "overall_assessment": answers.get(OVERALL_ASSESSMENT_CODE) or "",
            "payload": canonical,
            "content_hash": content_hash(canonical),
            # Received over the evening, in order: the admin list and incident feeds sort by it.
            "received_at": arrival.astimezone(datetime.UTC) + datetime.timedelta(minutes=45),
        }
        yield fields, maker.rows(answers)


SUBMISSION_COLUMNS = [
    "uuid",
    "mission_id",
    "template_id",
    "kind",
    "team_id",
    "submitted_by_id",
    "polling_station_id",
    "tec_id",
    "region_id",
    "area_type",
    "arrival_time",
    "departure_time",
    "notes",
    "urgent",
    "has_critical",
    "overall_assessment",
    "protocol_mismatch",
    "protocol_issues",
    "confidential",
    "payload",
    "content_hash",
    "revision",
    "status",
    "received_at",
    "updated_at",
]


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _insert_postgresql(mission: Mission, template: FormTemplate, batch: list) -> None:
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the psycopg cursor: COPY is ten times faster than INSERT for millions of rows
        cursor.execute("SELECT pg_get_serial_sequence('submissions_submission', 'id')")
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + len(batch) - 1])
        ids = range(first, first + len(batch))
        _copy(
            cursor,
            "submissions_submission",
            ["id", *SUBMISSION_COLUMNS],
            (
                (
                    pk,
                    f["uuid"],
                    mission.pk,
                    template.pk,
                    FormKind.VOTING,
                    f["team_id"],
                    None,
                    f["polling_station_id"],
                    f["tec_id"],
                    f["region_id"],
                    f["area_type"],
                    f["arrival_time"],
                    f["departure_time"],
                    f["notes"],
                    f["urgent"],
                    f["has_critical"],
                    f["overall_assessment"],
                    False,
                    "[]",
                    False,
                    json.dumps(f["payload"]),
                    f["content_hash"],
                    1,
                    SubmissionStatus.SUBMITTED,
                    f["received_at"],
                    f["received_at"],
                )
                for pk, (f, _rows) in zip(ids, batch, strict=True)
            ),
        )
        _copy(
            cursor,
            "submissions_answer",
            ["submission_id", "question_code", "value", "number", "text"],
            ((pk, *row) for pk, (_f, rows) in zip(ids, batch, strict=True) for row in rows),
        )
        cursor.execute("SELECT pg_get_serial_sequence('submissions_submissionrevision', 'id')")
        revision_sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [revision_sequence])
        first_revision = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [revision_sequence, first_revision + len(batch) - 1])
        revision_ids = range(first_revision, first_revision + len(batch))
        _copy(
            cursor,
            "submissions_submissionrevision",
            [
                "id",
                "submission_id",
                "revision",
                "payload",
                "changes",
                "changed_by_id",
                "changed_at",
                *REVISION_FIELDS,
                "received_at",
                "valid_from",
                "valid_until",
            ],
            (
                (
                    revision_pk,
                    pk,
                    1,
                    json.dumps(f["payload"]),
                    "{}",
                    None,
                    f["received_at"],
                    mission.pk,
                    FormKind.VOTING,
                    f["team_id"],
                    f["polling_station_id"],
                    f["tec_id"],
                    f["region_id"],
                    f["area_type"],
                    f["arrival_time"],
                    f["notes"],
                    f["urgent"],
                    f["has_critical"],
                    f["overall_assessment"],
                    False,
                    "[]",
                    False,
                    f["received_at"],
                    f["received_at"],
                    None,
                )
                for revision_pk, pk, (f, _r) in zip(revision_ids, ids, batch, strict=True)
            ),
        )
        _copy(
            cursor,
            "submissions_revisionanswer",
            ["revision_id", "question_code", "value", "number", "text"],
            ((pk, *row) for pk, (_f, rows) in zip(revision_ids, batch, strict=True) for row in rows),
        )
        # Each first revision's tally event, as submission_record appends it (folded by tallies_roll_up).
        _copy(
            cursor,
            "tallies_tallyevent",
            ["mission_id", "revision_id", "sign", "at", "hour", "rolled_up"],
            (
                (mission.pk, revision_pk, 1, f["received_at"], hour_of(f["received_at"]), False)
                for revision_pk, (f, _r) in zip(revision_ids, batch, strict=True)
            ),
        )


def _insert_generic(mission: Mission, template: FormTemplate, batch: list) -> None:
    submissions = [
        Submission(
            mission=mission,
            template=template,
            kind=FormKind.VOTING,
            **{k: v for k, v in f.items() if k != "received_at"},
        )
        for f, _rows in batch
    ]
    Submission.objects.bulk_create(submissions, batch_size=2000)
    Answer.objects.bulk_create(
        [
            Answer(submission=submission, question_code=code, value=value, number=number, text=text)
            for submission, (_f, rows) in zip(submissions, batch, strict=True)
            for code, value, number, text in rows
        ],
        batch_size=5000,
    )
    revisions = SubmissionRevision.objects.bulk_create(
        [
            revision_build(s, revision=1, valid_from=f["received_at"], received_at=f["received_at"])
            for s, (f, _rows) in zip(submissions, batch, strict=True)
        ],
        batch_size=2000,
    )
    RevisionAnswer.objects.bulk_create(
        [
            RevisionAnswer(revision=revision, question_code=code, value=value, number=number, text=text)
            for revision, (_f, rows) in zip(revisions, batch, strict=True)
            for code, value, number, text in rows
        ],
        batch_size=5000,
    )
    tally_revisions_add(revisions)
    for submission, (f, _rows) in zip(submissions, batch, strict=True):
        submission.received_at = f["received_at"]
    Submission.objects.bulk_update(submissions, ["received_at"], batch_size=2000)


def submissions_generate(*, mission: Mission, count: int, seed: int = 2019, start: int = 0) -> int:
    """Add `count` voting forms to a benchmark mission in bulk; returns how many were written."""
    template = FormTemplate.objects.get(mission=mission, kind=FormKind.VOTING, status="published")
    insert = _insert_postgresql if connection.vendor == "postgresql" else _insert_generic
    batch: list = []
    written = 0
    for item in form_rows(mission, template, count, seed=seed, start=start):
        batch.append(item)
        if len(batch) >= BATCH:
            with transaction.atomic():
                insert(mission, template, batch)
            written += len(batch)
            batch = []
    if batch:
        with transaction.atomic():
            insert(mission, template, batch)
        written += len(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("submissions_submission", "submissions_answer", "submissions_submissionrevision"):
                cursor.execute(f"ANALYZE {table}")
    return written


def tallies_fold() -> float:
    """Fold every pending tally event (the worker's job, done at once here); returns the seconds it took."""
    import time

    started = time.perf_counter()
    tallies_roll_up(batch_size=20_000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("tallies_tallyevent", "tallies_tallycount"):
                cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


def sto_teams_for(forms: int) -> int:
    """About ten voting forms per STO team, as on a real election day, within sensible bounds."""
    return max(20, min(5000, forms // 10))


def dataset_ensure(*, forms: int, stations: int | None = None, seed: int = 2019, slug: str | None = None) -> Dataset:
    """The benchmark mission with `forms` voting forms: reused when present, completed when short."""
    import time

    started = time.perf_counter()
    if stations is None:
        stations = DEFAULT_STATIONS if forms >= 5_000 else max(60, forms // 4)
    mission = mission_generate(slug=slug or _slug(forms), stations=stations, sto_teams=sto_teams_for(forms), seed=seed)
    existing = mission.submissions.filter(kind=FormKind.VOTING).count()
    if existing < forms:
        submissions_generate(mission=mission, count=forms - existing, seed=seed, start=existing)
    generate_seconds = time.perf_counter() - started
    fold_seconds = tallies_fold() if pending_events() else 0.0
    described = dataset_describe(mission, generate_seconds=generate_seconds)
    described.fold_seconds = round(fold_seconds, 2)
    return described


def dataset_describe(mission: Mission, *, generate_seconds: float = 0.0) -> Dataset:
    """What a benchmark mission holds and who can log in to it."""
    template = FormTemplate.objects.get(mission=mission, kind=FormKind.VOTING, status="published")
    user_model = get_user_model()
    usernames = dict(
        user_model.objects.filter(username__startswith=f"{mission.slug}-sto-").values_list("observer__id", "username")
    )
    logins = []
    seats = (
        TeamMember.objects.filter(membership__observer_id__in=usernames)
        .select_related("team__assignment", "membership")
        .order_by("team__code")
    )
    for seat in seats:
        tec_ids = list(seat.team.assignment.tecs.values_list("id", flat=True))
        station_ids = list(
            PollingStation.objects.filter(mission=mission, tec_id__in=tec_ids)
            .order_by("id")
            .values_list("id", flat=True)
        )
        logins.append((usernames[seat.membership.observer_id], seat.team_id, station_ids))
    return Dataset(
        mission=mission,
        template=template,
        forms=mission.submissions.filter(kind=FormKind.VOTING).count(),
        stations=mission.polling_stations.count(),
        sto_teams=Team.objects.filter(mission=mission, kind=TeamKind.STO).count(),
        team_logins=logins,
        coordinator=f"{mission.slug}-coordinator",
        generate_seconds=round(generate_seconds, 2),
    )


def shared_database_url() -> str | None:
    """A URL for the database Django uses now (the test database inside the suite); None when it is in memory."""
    from django.db import connection

    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user = quote(settings_dict.get("USER") or "", safe="")
        password = quote(settings_dict.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or "5432"
        return f"postgres://{credentials}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"
    if connection.vendor == "sqlite":
        name = str(settings_dict.get("NAME") or "")
        if not name or ":memory:" in name or "mode=memory" in name:
            return None
        return f"sqlite:///{name}"
    return None
