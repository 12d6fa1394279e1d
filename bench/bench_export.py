"""Benchmark: export 100,000 voting forms to XLSX and CSV; time and peak memory (RSS) of the exporting process.

    DJANGO_SETTINGS_MODULE=config.settings.local python -m bench.bench_export --forms 100000

The parent compiles the statistics once; each export then runs in a fresh child process that writes the file with
the product's streaming exporters (reports.exports) and reports its peak RSS (getrusage), so one export's memory
never hides in another's. `run(scale)` returns the figures for the harness (python -m bench).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.process import django_setup

SCALES = {"tiny": 200, "standard": 100_000, "large": 1_000_000}
FORMATS = ("xlsx", "csv")
TARGET_MB = 300


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def child(fmt: str, slug: str, result_path: str, output: str) -> dict:
    """Inside the child process: write one export and report time and peak RSS."""
    django_setup()
    from django.utils.dateparse import parse_datetime

    from missions.models import Mission
    from reports.compile import flagged_forms, scope_build
    from reports.exports import write_csv, write_xlsx
    from reports.flagged import flagged_lists_live
    from reports.models import ReportRun
    from reports.result import ReportLabels, ReportResult

    mission = Mission.objects.get(slug=slug)
    result = ReportResult.from_json(json.loads(Path(result_path).read_text()))
    # The lists of flagged forms are not in a stored result: read, as a compilation without a run reads them, from
    # the forms as of its cut-off (the workbook's incidents and protocol sheets).
    scope = scope_build(
        mission=mission, kinds=result.filters.kinds, region=None, cutoff=parse_datetime(result.filters.cutoff)
    )
    result = flagged_lists_live(result, rows=flagged_forms(scope))
    baseline = _peak_rss_mb()
    started = time.perf_counter()
    if fmt == "xlsx":
        labels = ReportLabels.for_result(result, mission=mission)
        rows = write_xlsx(path=output, run=ReportRun(mission=mission), result=result, labels=labels)
    else:
        rows = write_csv(path=output, mission=mission, result=result)
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "rows": rows,
        "bytes": os.path.getsize(output),
        "baseline_rss_mb": round(baseline, 1),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def measure(forms: int) -> dict:
    """Generate (or reuse) the forms, compile once, then export each format in its own process."""
    from bench.data import dataset_ensure
    from reports.compile import statistics_compile

    dataset = dataset_ensure(forms=forms)
    result = statistics_compile(mission=dataset.mission, kinds=["voting"])
    figures: dict = {"forms": dataset.forms, "formats": {}}
    with tempfile.TemporaryDirectory() as directory:
        result_path = Path(directory) / "result.json"
        result_path.write_text(json.dumps(result.to_json()))
        for fmt in FORMATS:
            output = Path(directory) / f"export.{fmt}"
            completed = subprocess.run(
                [sys.executable, "-m", "bench.bench_export", "--child", fmt, "--mission", dataset.mission.slug,
                 "--result", str(result_path), "--output", str(output)],
                capture_output=True,
                text=True,
                check=False,
                cwd=Path(__file__).resolve().parent.parent,
                env=os.environ.copy(),
            )  # fmt: skip
            if completed.returncode != 0:
                raise RuntimeError(f"{fmt} export failed:\n{completed.stderr[-2000:]}")
            entry = json.loads(completed.stdout.strip().splitlines()[-1])
            entry["target_met"] = entry["peak_rss_mb"] < TARGET_MB
            figures["formats"][fmt] = entry
    return figures


def copy_reference(forms: int) -> dict:
    """The limit for the CSV: PostgreSQL running the export's own query as `COPY (query) TO STDOUT`, bytes discarded."""
    from django.db import connection
    from django.utils.dateparse import parse_datetime
    from psycopg import ClientCursor

    from bench.data import dataset_ensure
    from reports.compile import forms_as_of, statistics_compile
    from reports.exports import raw_codes
    from reports.raw_csv import copy_query

    if connection.vendor != "postgresql":
        return {"skipped": "COPY needs PostgreSQL"}
    dataset = dataset_ensure(forms=forms)
    result = statistics_compile(mission=dataset.mission, kinds=["voting"])
    condition = forms_as_of(mission=dataset.mission, kinds=["voting"], at=parse_datetime(result.filters.cutoff))
    query, params = copy_query(condition=condition, codes=raw_codes(result))
    connection.ensure_connection()
    statement = ClientCursor(connection.connection).mogrify(f"COPY ({query}) TO STDOUT", params)
    size = lines = 0
    started = time.perf_counter()
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for block in copy:
            size += len(block)
            lines += 1
    return {"seconds": round(time.perf_counter() - started, 2), "rows": lines, "bytes": size}


def run(scale: str = "standard") -> dict:
    """Figures for the harness: time and peak RSS of each export format, and the COPY reference for the CSV."""
    django_setup()
    from bench.settle import database_settle

    database_settle()
    figures = measure(SCALES[scale])
    figures["copy_reference"] = copy_reference(SCALES[scale])
    return figures


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forms", type=int, help="Voting forms to export (default: the scale's size).")
    parser.add_argument("--scale", choices=sorted(SCALES), default="standard")
    parser.add_argument("--child", choices=FORMATS, help=argparse.SUPPRESS)
    parser.add_argument("--mission", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        print(json.dumps(child(options.child, options.mission, options.result, options.output)))  # noqa: T201
        return
    if options.forms:
        django_setup()
        print(json.dumps(measure(options.forms), indent=2))  # noqa: T201
    else:
        print(json.dumps(run(options.scale), indent=2))  # noqa: T201


if __name__ == "__main__":
    main()
