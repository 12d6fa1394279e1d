"""Benchmark: form 1,000 STO teams from 2,000 observers and plan them on 30,000 polling stations.

    DJANGO_SETTINGS_MODULE=config.settings.local python -m bench.bench_planning [--scale full|tiny]

Runs on the configured database (DATABASE_URL). The synthetic mission (slug bench-planning-<scale>) is built
once and kept; each run clears its teams and plans from scratch, so the figures are comparable.
"""

from __future__ import annotations

import argparse
import os
import time

from bench.process import django_setup

SCALES = {
    # polling stations (Kazakhstan-shaped: 17 regions in the 2019 proportions), LTOs, STOs
    "full": {"stations": 30_000, "ltos": 30, "stos": 2000},
    "tiny": {"stations": 72, "ltos": 4, "stos": 24},
}


def build_mission(scale: str = "full"):
    """The synthetic mission for a scale: geography, roster and languages, without teams (made once, then kept)."""
    from synthetic.scale import mission_generate

    size = SCALES[scale]
    return mission_generate(
        slug=f"bench-planning-{scale}",
        stations=size["stations"],
        ltos=size["ltos"],
        sto_teams=size["stos"] // 2,
        seed=7,
        teams=False,
    )


def run(scale: str = "full", seed: int = 2019) -> dict:
    """Build (or reuse) the mission, clear its teams, then time formation and planning; returns the figures."""
    from django.db import connection

    from access import system_actor
    from deployment.services import deployment_plan, teams_form
    from observers.models import Team

    started = time.perf_counter()
    mission = build_mission(scale)
    setup_seconds = time.perf_counter() - started
    Team.objects.filter(mission=mission).delete()
    timings: dict[str, float] = {}

    def timed(name, function, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        value = function(**kwargs)
        timings[f"{name}_seconds"] = round(time.perf_counter() - wall, 2)
        # CPU time of this process: the figure that matters on a shared machine (the database server's is apart).
        timings[f"{name}_cpu_seconds"] = round(time.process_time() - cpu, 2)
        return value

    def form_all():
        return teams_form(actor=system_actor(mission), mission=mission, kind="lto", seed=seed), teams_form(
            actor=system_actor(mission), mission=mission, kind="sto", seed=seed
        )

    lto, sto = timed("formation", form_all)
    plan = timed("planning", deployment_plan, actor=system_actor(mission), mission=mission, seed=seed)
    replan = timed("replanning", deployment_plan, actor=system_actor(mission), mission=mission, seed=seed)
    return {
        "scale": scale,
        "database": connection.vendor,
        "stations": mission.polling_stations.count(),
        "regions": mission.regions.count(),
        "observers": 2 * (len(lto.teams) + len(sto.teams)) + len(lto.left_out) + len(sto.left_out),
        "lto_teams": len(lto.teams),
        "sto_teams": len(sto.teams),
        "left_out": len(lto.left_out) + len(sto.left_out),
        "assignments_planned": plan.planned,
        "replan_moved": replan.moved,
        "replan_kept": replan.kept,
        "setup_seconds": round(setup_seconds, 2),
        **timings,
        "load_average": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--seed", type=int, default=2019)
    arguments = parser.parse_args()
    django_setup()
    figures = run(scale=arguments.scale, seed=arguments.seed)
    for key, value in figures.items():
        print(f"{key:>22}: {value}")


if __name__ == "__main__":
    main()
