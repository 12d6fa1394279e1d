"""Benchmark data: missions from the synthetic generator, reused between runs, and who can log in to them.

`dataset_ensure(forms=N)` returns a mission (slug ``bench-<N>``) made by `synthetic.scale.mission_generate` with
N voting forms from `synthetic.voting.voting_forms_generate` (PostgreSQL COPY, stored exactly as `submission_record`
would). A second call reuses what is there and only adds missing forms, so several benchmarks share it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote

from django.contrib.auth import get_user_model

from checklists.choices import FormKind
from checklists.models import FormTemplate
from missions.models import Mission, PollingStation
from observers.choices import TeamKind
from observers.models import Team, TeamMember
from synthetic.scale import PASSWORD, mission_generate, sto_teams_for
from synthetic.structure import STATIONS_2019
from synthetic.voting import voting_forms_generate, voting_template
from tallies.services import pending_events, tallies_roll_up

BENCH_PASSWORD = PASSWORD
DEFAULT_STATIONS = STATIONS_2019  # 9,968 as in 2019


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


def dataset_ensure(*, forms: int, stations: int | None = None, seed: int = 2019, slug: str | None = None) -> Dataset:
    """The benchmark mission with `forms` voting forms: reused when present, completed when short."""
    import time

    started = time.perf_counter()
    if stations is None:
        stations = DEFAULT_STATIONS if forms >= 5_000 else max(60, forms // 4)
    mission = mission_generate(
        slug=slug or f"bench-{forms}", stations=stations, sto_teams=sto_teams_for(forms), seed=seed
    )
    existing = mission.submissions.filter(kind=FormKind.VOTING).count()
    if existing < forms:
        voting_forms_generate(mission=mission, count=forms - existing, seed=seed, start=existing)
    generate_seconds = time.perf_counter() - started
    fold_seconds = tallies_fold() if pending_events() else 0.0
    described = dataset_describe(mission, generate_seconds=generate_seconds)
    described.fold_seconds = round(fold_seconds, 2)
    return described


def tallies_fold() -> float:
    """Fold every pending tally event (the worker's job, done at once here); returns the seconds it took."""
    import time

    from django.db import connection

    started = time.perf_counter()
    tallies_roll_up(batch_size=20_000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("tallies_tallyevent", "tallies_tallycount"):
                cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


def dataset_describe(mission: Mission, *, generate_seconds: float = 0.0) -> Dataset:
    """What a benchmark mission holds and who can log in to it (a fixed number of queries, however many logins)."""
    template = voting_template(mission)
    user_model = get_user_model()
    usernames = dict(
        user_model.objects.filter(
            username__startswith=f"{mission.slug}-sto-", observer_records__mission=mission
        ).values_list("observer_records__id", "username")
    )
    stations_by_tec: dict[int, list[int]] = defaultdict(list)
    for tec_id, station_id in PollingStation.objects.filter(mission=mission).values_list("tec_id", "id"):
        stations_by_tec[tec_id].append(station_id)
    logins = []
    seats = (
        TeamMember.objects.filter(membership__observer_id__in=usernames)
        .select_related("team__assignment", "membership")
        .prefetch_related("team__assignment__tecs")
        .order_by("team__code")
    )
    for seat in seats:
        station_ids = sorted(s for tec in seat.team.assignment.tecs.all() for s in stations_by_tec[tec.pk])
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
