"""Benchmark: form 1,000 STO teams from 2,000 observers and plan them on 30,000 polling stations.

    DJANGO_SETTINGS_MODULE=config.settings.local python -m bench.bench_planning [--scale full|tiny]

Runs on the configured database (DATABASE_URL). The synthetic mission (slug bench-planning-<scale>) is built
once and kept; each run clears its teams and plans from scratch, so the figures are comparable.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import time

SCALES = {
    # regions, TECs per region, stations per TEC, STOs
    "full": {"regions": 30, "tecs": 25, "stations": 40, "stos": 2000, "ltos": 30},
    "tiny": {"regions": 4, "tecs": 3, "stations": 6, "stos": 24, "ltos": 4},
}
NATIONALITIES = [
    "AT", "BE", "BG", "CA", "CH", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK", "US", "GE", "AM", "MD", "RS", "MK",
]  # fmt: skip


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()


def build_mission(scale: str = "full"):
    """The synthetic mission for a scale: geography, roster and languages, created in bulk once."""
    from missions.choices import AreaType
    from missions.models import Mission, PollingStation, Region, Tec
    from observers.choices import Gender, LanguageLevel, MemberRole, MemberStatus
    from observers.models import Membership, Observer, ObserverLanguage

    size = SCALES[scale]
    slug = f"bench-planning-{scale}"
    mission, created = Mission.objects.get_or_create(
        slug=slug,
        defaults={
            "name": f"Planning benchmark ({scale})",
            "host_country": "KZ",
            "election_type": "presidential",
            "election_day": datetime.date(2019, 6, 9),
            "local_languages": ["ru", "kk"],
        },
    )
    if not created:
        return mission
    rng = random.Random(7)
    regions = Region.objects.bulk_create(
        [Region(mission=mission, code=f"B{r:02d}", name=f"Bench region {r:02d}") for r in range(size["regions"])]
    )
    regions = list(Region.objects.filter(mission=mission).order_by("code"))
    for index, region in enumerate(regions[1:], start=1):
        region.neighbours.add(regions[index - 1])
    Tec.objects.bulk_create(
        [
            Tec(mission=mission, region=region, code=f"{region.code}-{t:02d}", name=f"{region.name} district {t:02d}")
            for region in regions
            for t in range(size["tecs"])
        ]
    )
    stations = []
    number = 0
    for tec in Tec.objects.filter(mission=mission).select_related("region"):
        urban_share = rng.choice([0.2, 0.4, 0.6, 1.0])
        for s in range(size["stations"]):
            number += 1
            stations.append(
                PollingStation(
                    mission=mission,
                    region=tec.region,
                    tec=tec,
                    number=f"{number:06d}",
                    name=f"School {number}",
                    address=f"{number} Bench Street",
                    area_type=AreaType.URBAN if s < urban_share * size["stations"] else AreaType.RURAL,
                    registered_voters=rng.randint(300, 2500),
                )
            )
    PollingStation.objects.bulk_create(stations, batch_size=2000)
    people = []
    for index in range(size["stos"] + size["ltos"]):
        people.append(
            Observer(
                mission=mission,
                full_name=f"Bench observer {scale} {index:05d}",
                gender=rng.choice([Gender.FEMALE, Gender.MALE]),
                nationality=NATIONALITIES[index % len(NATIONALITIES)],
                email=f"bench-{scale}-{index}@example.org",
            )
        )
    Observer.objects.bulk_create(people, batch_size=2000)
    observers = list(Observer.objects.filter(email__startswith=f"bench-{scale}-").order_by("email"))
    Membership.objects.bulk_create(
        [
            Membership(
                mission=mission,
                observer=person,
                role=MemberRole.LTO if index < size["ltos"] else MemberRole.STO,
                status=MemberStatus.ACCREDITED,
                first_mission=rng.random() < 0.3,
            )
            for index, person in enumerate(observers)
        ],
        batch_size=2000,
    )
    languages = []
    for person in observers:
        languages.append(ObserverLanguage(observer=person, language="en", level=LanguageLevel.FLUENT))
        if rng.random() < 0.35:
            languages.append(ObserverLanguage(observer=person, language="ru", level=LanguageLevel.WORKING))
    ObserverLanguage.objects.bulk_create(languages, batch_size=2000)
    return mission


def run(scale: str = "full", seed: int = 2019) -> dict:
    """Build (or reuse) the mission, clear its teams, then time formation and planning; returns the figures."""
    from django.db import connection

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
        return teams_form(mission=mission, kind="lto", seed=seed), teams_form(mission=mission, kind="sto", seed=seed)

    lto, sto = timed("formation", form_all)
    plan = timed("planning", deployment_plan, mission=mission, seed=seed)
    replan = timed("replanning", deployment_plan, mission=mission, seed=seed)
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
    _setup_django()
    figures = run(scale=arguments.scale, seed=arguments.seed)
    for key, value in figures.items():
        print(f"{key:>22}: {value}")


if __name__ == "__main__":
    main()
