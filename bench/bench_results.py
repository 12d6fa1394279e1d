"""Benchmark: import a CEC results file of 10,000 polling stations and cross-check it with observers' counts.

    DJANGO_SETTINGS_MODULE=config.settings.local python -m bench.bench_results [--scale standard|tiny]

On a bench.data mission (bench-results-<stations>, kept and reused) with counting forms at one station in ten (one
in ten of them differing from the official figures on one line), it times:
- the import of the official results file (CSV with Cyrillic headers, as a CEC publishes it) into a new version,
  against reading the same file alone with the product's spreadsheet reader (the least any import must do);
- the checks and the cross-check of that version, against reading its rows alone in one query.
Each run deletes the versions an earlier run imported, so runs stay comparable. `run(scale)` returns the figures.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import time
import uuid as uuid_module

from bench.process import REPEAT, best_of, django_setup

SCALES = {"tiny": 200, "standard": 10_000}
TARGET_SECONDS = 5.0  # import + cross-check of 10,000 stations "in a few seconds"
HEADERS = [
    "Область", "№ УИК", "Число избирателей, включенных в список", "Получено бюллетеней", "Выдано бюллетеней",
    "Погашено бюллетеней", "Действительных бюллетеней", "Недействительных бюллетеней",
]  # fmt: skip
LINES = [
    "registered_voters", "ballots_received", "ballots_issued", "ballots_cancelled", "ballots_valid", "ballots_invalid",
]  # fmt: skip


def _figures(rng: random.Random, registered: int, candidates: int) -> dict:
    issued = registered * rng.randint(45, 85) // 100
    cancelled = rng.randint(20, 120)
    invalid = rng.randint(0, 25)
    valid = max(0, issued - invalid - rng.randint(0, 3))
    votes, left = [], valid
    for _ in range(candidates - 1):
        share = rng.randint(0, left // 2)
        votes.append(share)
        left -= share
    votes.append(left)
    figures = {
        "registered_voters": registered,
        "ballots_received": issued + cancelled + (rng.randint(1, 9) if rng.random() < 0.003 else 0),
        "ballots_issued": issued,
        "ballots_cancelled": cancelled,
        "ballots_valid": valid,
        "ballots_invalid": invalid,
    }
    return figures | {f"candidate_{index}": value for index, value in enumerate(votes, start=1)}


def build(stations: int):
    """The mission, its official figures by station id, the results file, and its counting forms (made once)."""
    from checklists.choices import FormKind
    from checklists.selectors import templates_published
    from synthetic.answers import AnswerMaker
    from synthetic.election_day import UUID_NAMESPACE, form_build
    from synthetic.scale import mission_generate
    from synthetic.writing import forms_write

    mission = mission_generate(slug=f"bench-results-{stations}", stations=stations, sto_teams=max(20, stations // 60))
    candidates = list(mission.candidates or [])
    rng = random.Random(f"results-{stations}")
    rows = list(
        mission.polling_stations.order_by("id").values_list("id", "number", "region__name", "registered_voters")
    )
    official = {pk: _figures(rng, voters or 1000, len(candidates)) for pk, _n, _r, voters in rows}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADERS + candidates)
    for pk, number, region, _voters in rows:
        figures = official[pk]
        writer.writerow(
            [region, number, *(figures[line] for line in LINES)]
            + [figures[f"candidate_{i}"] for i in range(1, len(candidates) + 1)]
        )
    content = buffer.getvalue().encode("utf-8-sig")
    if not mission.submissions.filter(kind=FormKind.COUNTING).exists():
        # Written by the generator, as the recording service stores them: forms, first revisions, tally events.
        maker = AnswerMaker(templates_published(mission=mission)[FormKind.COUNTING], candidates)
        observed = rows[:: max(1, len(rows) // max(20, stations // 10))]
        stations_by_id = mission.polling_stations.select_related("region", "tec__region").in_bulk(
            [pk for pk, _n, _r, _v in observed]
        )
        day = mission.election_day.isoformat()
        built = []
        for index, (pk, _n, _r, _v) in enumerate(observed):
            station = stations_by_id[pk]
            answers = maker.answers(rng, voters=station.registered_voters, hour=21)
            answers |= {"protocol_figures_obtained": "yes"} | _observed(official[pk], differ=index % 10 == 0)
            payload = {
                "polling_station": pk,
                "arrival_time": f"{day}T19:40",
                "departure_time": f"{day}T23:10",
                "answers": answers,
            }
            key = uuid_module.uuid5(UUID_NAMESPACE, f"{mission.slug}/results-bench/counting/{index}")
            built.append(form_build(mission=mission, maker=maker, payload=payload, station=station, key=key))
        forms_write(built)
    return mission, content


def _observed(figures: dict, *, differ: bool) -> dict:
    """The counting form's protocol figures for official ones: the same station, in the form's own lines."""
    answers = {
        "voters_main_list": figures["registered_voters"],
        "voters_supplementary": 0,
        "ballots_received": figures["ballots_received"],
        "ballots_issued": figures["ballots_issued"],
        "ballots_issued_mobile": 0,
        "ballots_unused": figures["ballots_cancelled"],
        "ballots_spoiled": 0,
        "ballots_found_stationary": figures["ballots_valid"] + figures["ballots_invalid"],
        "ballots_found_mobile": 0,
        "ballots_valid": figures["ballots_valid"],
        "ballots_invalid": figures["ballots_invalid"],
        **{name: value for name, value in figures.items() if name.startswith("candidate_")},
    }
    if differ:
        answers["candidate_1"] += 3
    return answers


def run(scale: str = "standard") -> dict:
    """Build (or reuse) the data, then time the import and the cross-check against their references."""
    from django.db import connection

    from missions.spreadsheets import read_rows
    from results.imports import results_import
    from results.models import ResultsVersion, StationResult
    from results.selectors import results_crosscheck

    stations = SCALES[scale]
    started = time.perf_counter()
    mission, content = build(stations)
    setup_seconds = time.perf_counter() - started
    mapping = {"region": "Область", "number": "№ УИК"}

    def parse_only():
        _headers, rows = read_rows(content, filename="cec.csv")
        return sum(1 for _row in rows)

    def import_once():
        ResultsVersion.objects.filter(mission=mission).delete()
        began = time.perf_counter()
        report = results_import(mission=mission, upload=content, filename="cec.csv", mapping=mapping)
        elapsed = time.perf_counter() - began
        if report.errors:
            raise RuntimeError(f"the benchmark's results file was refused: {report.errors[:3]}")
        return elapsed, report

    parse_seconds, parsed_rows = best_of(parse_only)
    timings = [import_once() for _ in range(REPEAT)]
    import_seconds = min(elapsed for elapsed, _report in timings)
    version = timings[-1][1].version

    def fetch_only():
        return len(list(StationResult.objects.filter(version=version).values_list(*LINES, "votes")))

    fetch_seconds, _count = best_of(fetch_only)
    crosscheck_seconds, check = best_of(lambda: results_crosscheck(version=version))
    return {
        "scale": scale,
        "database": connection.vendor,
        "stations": stations,
        "rows_imported": version.rows,
        "rows_parsed": parsed_rows,
        "observed_counts": check.summary["observed"],
        "differing": check.summary["differing"],
        "matching": check.summary["matching"],
        "findings": len(check.findings),
        "arithmetic_findings": check.kinds["arithmetic"],
        "import_seconds": round(import_seconds, 3),
        "parse_seconds": round(parse_seconds, 3),
        "crosscheck_seconds": round(crosscheck_seconds, 3),
        "fetch_seconds": round(fetch_seconds, 3),
        "total_seconds": round(import_seconds + crosscheck_seconds, 3),
        "target_seconds": TARGET_SECONDS,
        "setup_seconds": round(setup_seconds, 2),
        "load_average": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="standard")
    arguments = parser.parse_args()
    django_setup()
    for key, value in run(arguments.scale).items():
        print(f"{key:>20}: {value}")


if __name__ == "__main__":
    main()
