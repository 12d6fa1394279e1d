"""A Kazakhstan-shaped mission at any size, ready for forms: the entry point of the benchmarks and large tests.

    mission = mission_generate(slug="bench-100000", stations=9968, sto_teams=5000)
    voting_forms_generate(mission=mission, count=100_000)

The same steps as the demo mission (synthetic.demo), scaled: geography in the 2019 proportions, a roster of two
STOs per team, teams formed and deployed by the product's own services, the standard checklists, and logins for
the first STO teams and a coordinator. A second call with the same slug reuses what is there.
"""

from __future__ import annotations

from django.db import transaction

from access import system_actor
from checklists.services import checklists_load_standard
from deployment.services import deployment_plan
from missions.models import Mission

from .structure import (
    LTOS_2019,
    STATIONS_2019,
    geography_generate,
    mission_create,
    roster_generate,
    team_logins_generate,
    teams_generate,
)

LOGIN_TEAMS = 64  # STO teams given a login (the ingest benchmark's clients); more teams exist without one
PASSWORD = "bench-observe-2019"  # noqa: S105 -- synthetic databases only


def sto_teams_for(forms: int) -> int:
    """About ten voting forms per STO team, as on a real election day, within sensible bounds."""
    return max(20, min(5000, forms // 10))


def mission_generate(
    *,
    slug: str,
    stations: int = STATIONS_2019,
    sto_teams: int = 150,
    ltos: int = LTOS_2019,
    seed: int = 2019,
    teams: bool = True,
    logins: int = LOGIN_TEAMS,
) -> Mission:
    """A mission with geography, roster, checklists and (with `teams`) teams, a deployment plan and logins."""
    with transaction.atomic():
        mission = mission_create(slug=slug, name=f"Synthetic mission {slug} ({stations} stations)")
        if not mission.polling_stations.exists():
            geography_generate(mission, stations=stations, seed=seed)
            roster_generate(mission, ltos=ltos, stos=2 * sto_teams, seed=seed + 1)
        checklists_load_standard(mission=mission)
        if teams:
            teams_generate(mission, seed=seed)
            if not mission.assignments.exists():
                deployment_plan(actor=system_actor(mission), mission=mission, seed=seed)
            team_logins_generate(mission, teams=logins, password=PASSWORD)
    return mission
