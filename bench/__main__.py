"""The benchmark harness: run the benchmarks, print one table with references, ratios and targets, write JSON.

    python -m bench [--scale tiny|standard|large] [--only ingest,pages] [--skip planning] [--output PATH]

`make bench` runs it against PostgreSQL and Redis with config.settings.bench. Targets are reported as met or missed;
none is enforced. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from .table import render_machine, render_table, table_rows

BENCHMARKS = ("ingest", "compile", "export", "planning", "pages", "results", "pdf")
# Benchmarks that open the database from other processes (gunicorn workers, one exporter process per format).
CHILD_PROCESS_BENCHMARKS = {"ingest", "export"}
MODULES = {
    "ingest": "bench.bench_ingest",
    "compile": "bench.bench_compile",
    "export": "bench.bench_export",
    "planning": "bench.bench_planning",
    "pages": "bench.bench_pages",
    "results": "bench.bench_results",
    "pdf": "bench.bench_pdf",
}
SCALES = ("tiny", "standard", "large")
ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"


# ---------------------------------------------------------------------------------------------------------------------
# Running


def _module_scale(module, scale: str) -> str:
    """The module's own name for a scale: its SCALES may say "full" where the harness says "standard"."""
    known = getattr(module, "SCALES", None)
    if not known or scale in known:
        return scale
    for fallback in {"standard": ("full", "large"), "large": ("full", "standard"), "tiny": ("small",)}[scale]:
        if fallback in known:
            return fallback
    return scale


def _call(name: str, scale: str, options: dict) -> dict:
    """Import and run one benchmark; a missing module or a failure is recorded, never hidden and never fatal."""
    try:
        module = importlib.import_module(MODULES[name])
    except ModuleNotFoundError as error:
        if error.name == MODULES[name]:
            return {"not_available": f"{MODULES[name]} has not been written yet"}
        raise
    from bench.data import shared_database_url

    shared_url = shared_database_url()
    if name in CHILD_PROCESS_BENCHMARKS and shared_url is None:
        return {"skipped": "needs a database other processes can open (PostgreSQL); this one is in memory"}
    started = time.perf_counter()
    previous_url = os.environ.get("DATABASE_URL")
    if shared_url:
        os.environ["DATABASE_URL"] = shared_url  # child processes (gunicorn, exporters) open the same database
    try:
        if name == "ingest":
            figures = module.run(
                _module_scale(module, scale), seconds=options.get("seconds"), clients=options.get("clients")
            )
        elif name == "export" and scale == "large":
            figures = module.run(_module_scale(module, "standard"))  # the large scale is about compiling 1,000,000
        else:
            figures = module.run(_module_scale(module, scale))
    except Exception as error:  # a benchmark that breaks is a finding: record it and go on with the others
        return {"error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()[-3000:]}
    finally:
        if previous_url is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous_url
    figures = dict(figures or {})
    figures.setdefault("wall_seconds", round(time.perf_counter() - started, 2))
    return figures


def machine() -> dict:
    """Where the figures were measured."""
    from django.db import connection

    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("select sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    import django

    return {
        "cpus": os.cpu_count(),
        "memory_gb": memory_gb,
        "database": database,
        "python": platform.python_version(),
        "django": django.get_version(),
        "platform": platform.platform(),
        "load_average": [round(value, 2) for value in os.getloadavg()] if hasattr(os, "getloadavg") else None,
    }


def _call_isolated(name: str, scale: str, options: dict) -> dict:
    """Run one benchmark in a fresh process of this harness, so that no other benchmark's memory (the peak RSS a
    child process inherits), caches or imports count in its figures."""
    from bench.data import shared_database_url

    shared_url = shared_database_url()
    if shared_url is None:
        return _call(name, scale, options)  # an in-memory database cannot be opened from another process
    with tempfile.TemporaryDirectory() as directory:
        output = Path(directory) / "results.json"
        command = [sys.executable, "-m", "bench", "--scale", scale, "--only", name, "--in-process", "--quiet"]
        command += ["--output", str(output)]
        for option in ("seconds", "clients"):
            if options.get(option) is not None:
                command += [f"--{option}", str(options[option])]
        environment = {**os.environ, "DATABASE_URL": shared_url}
        completed = subprocess.run(
            command, cwd=ROOT, env=environment, capture_output=True, text=True, check=False, timeout=6 * 3600
        )
        if not output.exists():
            return {
                "error": f"the benchmark process exited with {completed.returncode}",
                "traceback": completed.stderr[-3000:],
            }
        return json.loads(output.read_text())["benchmarks"][name]


def run_all(
    *, scale: str = "standard", only=None, skip=(), options: dict | None = None, echo=None, isolate: bool = False
) -> dict:
    """Run the chosen benchmarks in order (each in its own process when `isolate`); returns results and table rows."""
    options = options or {}
    chosen = [name for name in BENCHMARKS if (not only or name in only) and name not in skip]
    results: dict = {
        "started_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "scale": scale,
        "machine": machine(),
        "benchmarks": {},
    }
    for name in chosen:
        if echo:
            echo(f"-- {name} ({scale}) ...")
        began = time.perf_counter()
        load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        figures = _call_isolated(name, scale, options) if isolate else _call(name, scale, options)
        figures["load_average_before"] = round(load_before, 2) if load_before is not None else None
        results["benchmarks"][name] = figures
        if echo:
            state = "not available" if "not_available" in figures else ("FAILED" if "error" in figures else "done")
            echo(f"   {state} in {time.perf_counter() - began:.1f} s")
    results["finished_at"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    results["rows"] = table_rows(results["benchmarks"])
    return results


# ---------------------------------------------------------------------------------------------------------------------
# Command line


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", choices=SCALES, default="standard", help="large adds the compilation of 1,000,000 forms (long)"
    )
    parser.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--skip", default="", help="comma-separated benchmarks to leave out")
    parser.add_argument("--seconds", type=float, help="ingest: seconds per phase (default 30; tiny 3)")
    parser.add_argument("--clients", type=int, help="ingest: concurrent clients (default 32)")
    parser.add_argument("--output", default=str(RESULTS), help="where to write the JSON results")
    parser.add_argument(
        "--in-process", action="store_true", help="run every benchmark in this process (default: each in its own)"
    )
    parser.add_argument("--quiet", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    only = {name.strip() for name in arguments.only.split(",") if name.strip()}
    skip = {name.strip() for name in arguments.skip.split(",") if name.strip()}
    unknown = (only | skip) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}; choose from {', '.join(BENCHMARKS)}")
    if arguments.clients is not None and not 1 <= arguments.clients <= 64:
        parser.error("--clients must be between 1 and 64 (one STO login per client)")
    if arguments.seconds is not None and not 0 < arguments.seconds <= 600:
        parser.error("--seconds must be between 0 and 600")

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    import django

    django.setup()
    options = {"seconds": arguments.seconds, "clients": arguments.clients}
    results = run_all(
        scale=arguments.scale,
        only=only,
        skip=skip,
        options=options,
        echo=None if arguments.quiet else (lambda text: print(text, flush=True)),
        isolate=not arguments.in_process,
    )
    output = Path(arguments.output)
    output.write_text(json.dumps(results, indent=2, default=str))
    failed = [name for name, figures in results["benchmarks"].items() if "error" in figures]
    if arguments.quiet:
        return 1 if failed else 0
    print()
    print(f"Machine: {render_machine(results['machine'])}")
    print(f"Scale: {arguments.scale}; started {results['started_at']}, finished {results['finished_at']}")
    print()
    print(render_table(results["rows"]))
    print()
    print(f"Figures: {output}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
