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
# The table


def _verdict(met: bool | None) -> str:
    return "n/a" if met is None else ("met" if met else "MISSED")


def _row(benchmark, measure, figure, reference="", ratio="", target="", met=None) -> dict:
    return {
        "benchmark": benchmark,
        "measure": measure,
        "figure": figure,
        "reference": reference,
        "ratio": ratio,
        "target": target,
        "result": _verdict(met),
    }


def _number(value, unit="", digits=1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        text = f"{value:,.{digits}f}"
    else:
        text = f"{value:,}"
    return f"{text} {unit}".strip()


def _ingest_rows(figures: dict) -> list[dict]:
    if "skipped" in figures:
        return [_row("ingest", "forms posted over HTTP", "skipped", figures["skipped"])]
    ingest, trivial = figures["ingest"], figures["trivial"]
    ratio = figures.get("ratio_to_trivial")
    return [
        _row(
            "ingest",
            f"throughput, {figures['clients']} clients, {figures['seconds']:g} s",
            _number(ingest["throughput"], "forms/s"),
            f"trivial endpoint {_number(trivial['throughput'], 'req/s')}",
            f"{ratio:.1%}" if ratio is not None else "-",
            ">= 50 % of trivial",
            ratio is not None and ratio >= 0.5,
        ),
        _row(
            "ingest",
            "latency p50 / p99",
            f"{_number(ingest['p50_ms'], 'ms')} / {_number(ingest['p99_ms'], 'ms')}",
            f"trivial {_number(trivial['p50_ms'], 'ms')} / {_number(trivial['p99_ms'], 'ms')}",
            "",
            "p99 < 250 ms",
            ingest["p99_ms"] is not None and ingest["p99_ms"] < 250,
        ),
        _row(
            "ingest",
            "errors",
            f"{ingest['errors']} of {ingest['requests']:,}",
            f"trivial {trivial['errors']}",
            "",
            "none",
            ingest["errors"] == 0 and trivial["errors"] == 0,
        ),
        _row(
            "ingest",
            "exactly once (10 % replays)",
            f"{figures['stored_rows']:,} rows / {figures['unique_uuids_sent']:,} UUIDs",
            f"{figures['replays_accepted']:,} replays answered 200",
            "",
            "rows = unique UUIDs",
            bool(figures["exactly_once"]),
        ),
    ]


def _first(figures: dict, *names, default=None):
    """The first key present: the compile and export benchmarks name their figures in their own words."""
    for name in names:
        if name in figures and figures[name] is not None:
            return figures[name]
    return default


def _compile_rows(figures: dict) -> list[dict]:
    rows = []
    sizes = figures.get("sizes") or {}
    items = sizes.items() if isinstance(sizes, dict) else [(str(entry.get("forms")), entry) for entry in sizes]
    for forms, entry in items:
        compile_s = _first(entry, "compile_seconds", "compilation_seconds", "full_seconds")
        sql_s = _first(entry, "sql_seconds", "sql_limit_seconds", "limit_seconds")
        pandas_s = _first(entry, "pandas_seconds", "peer_seconds")
        label = f"{int(forms):,} forms" if str(forms).isdigit() else str(forms)
        is_target_size = str(forms) == "100000"
        to_sql = compile_s / sql_s if compile_s and sql_s else None
        rows.append(
            _row(
                "compilation",
                f"{label}: full compilation",
                _number(compile_s, "s", 2),
                f"one SQL query {_number(sql_s, 's', 2)}",
                f"{to_sql:.1f}x SQL" if to_sql else "-",
                "<= 2x SQL" if is_target_size else "",
                (to_sql is not None and to_sql <= 2) if is_target_size else None,
            )
        )
        recount_s = entry.get("recount_seconds")
        if recount_s is not None:
            rows.append(
                _row(
                    "compilation",
                    f"{label}: from the tallies / recounted",
                    _number(compile_s, "s", 2),
                    f"recount {_number(recount_s, 's', 2)}",
                    f"{recount_s / compile_s:.1f}x faster" if compile_s else "-",
                    "identical results",
                    entry.get("identical"),
                )
            )
        phase_s, phase_recount_s = (
            entry.get("answers_phase_tallies_seconds"),
            entry.get("answers_phase_recount_seconds"),
        )
        if phase_s is not None:
            rows.append(
                _row(
                    "compilation",
                    f"{label}: answers phase alone",
                    f"{_number(phase_s, 's', 3)} ({entry.get('tally_rows', 0):,} tally rows)",
                    f"recount {_number(phase_recount_s, 's', 3)}",
                    f"{phase_recount_s / phase_s:.1f}x faster" if phase_s and phase_recount_s else "-",
                )
            )
        faster = pandas_s / compile_s if compile_s and pandas_s else None
        rows.append(
            _row(
                "compilation",
                f"{label}: against pandas",
                _number(compile_s, "s", 2),
                f"pandas {_number(pandas_s, 's', 2)}" if pandas_s is not None else entry.get("pandas", "-"),
                (f"{faster:.1f}x faster" if faster >= 1 else f"{1 / faster:.1f}x slower") if faster else "-",
                ">= 3x faster" if is_target_size else "",
                # Without pandas there is no reference to compare with: not measured, rather than missed.
                (faster >= 3 if faster is not None else None) if is_target_size else None,
            )
        )
    growth = _first(figures, "growth", "growth_10k_to_100k")
    if growth is not None:
        rows.append(
            _row(
                "compilation",
                "growth from 10,000 to 100,000 forms",
                f"{growth:.1f}x the time" if isinstance(growth, float | int) else str(growth),
                "10x the forms",
            )
        )
    for key, what in (
        ("growth_recount", "growth, recounted"),
        ("growth_answers_phase", "growth, answers phase from the tallies"),
        ("growth_answers_phase_recount", "growth, answers phase recounted"),
    ):
        if figures.get(key) is not None:
            rows.append(_row("compilation", what, f"{figures[key]:.1f}x the time", "10x the forms"))
    if not rows:
        rows.append(
            _row("compilation", "figures", json.dumps({k: v for k, v in figures.items() if k != "traceback"})[:200])
        )
    return rows


def _export_rows(figures: dict) -> list[dict]:
    rows = []
    formats = figures.get("formats") or {
        key: value for key, value in figures.items() if isinstance(value, dict) and key.lower() in ("xlsx", "csv")
    }
    forms = _first(figures, "forms", "rows", default=None)
    for fmt, entry in formats.items():
        seconds = _first(entry, "seconds", "time_seconds")
        rss = _first(entry, "peak_rss_mb", "rss_mb", "peak_mb")
        rows.append(
            _row(
                "export",
                f"{fmt.upper()}{f', {forms:,} forms' if isinstance(forms, int) else ''}",
                f"{_number(seconds, 's', 1)}, peak RSS {_number(rss, 'MB', 0)}",
                "",
                "",
                "peak RSS < 300 MB",
                rss is not None and rss < 300,
            )
        )
    if not rows:
        rows.append(_row("export", "figures", json.dumps({k: v for k, v in figures.items() if k != "traceback"})[:200]))
    return rows


def _export_reference_rows(figures: dict) -> list[dict]:
    """The CSV against PostgreSQL's COPY of the same query, and the XLSX against the CSV of the same rows."""
    rows = []
    formats = figures.get("formats") or {}
    csv_seconds = (formats.get("csv") or {}).get("seconds")
    xlsx_seconds = (formats.get("xlsx") or {}).get("seconds")
    copy = figures.get("copy_reference") or {}
    if csv_seconds and copy.get("seconds"):
        ratio = csv_seconds / copy["seconds"]
        rows.append(
            _row(
                "export",
                "CSV against COPY of the same query",
                _number(csv_seconds, "s", 1),
                f"COPY (query) TO STDOUT {_number(copy['seconds'], 's', 1)}",
                f"{ratio:.1f}x COPY",
                "<= 2x COPY",
                ratio <= 2,
            )
        )
    if csv_seconds and xlsx_seconds:
        ratio = xlsx_seconds / csv_seconds
        rows.append(
            _row(
                "export",
                "XLSX against the CSV of the same rows",
                _number(xlsx_seconds, "s", 1),
                f"CSV {_number(csv_seconds, 's', 1)}",
                f"{ratio:.1f}x CSV",
                "<= 4x CSV",
                ratio <= 4,
            )
        )
    return rows


def _pdf_rows(figures: dict) -> list[dict]:
    sizes = figures.get("sizes") or {}
    if len(sizes) < 2:
        return [_row("pdf", "figures", json.dumps({k: v for k, v in figures.items() if k != "traceback"})[:200])]
    (small, small_figures), (large, large_figures) = sorted(sizes.items(), key=lambda item: int(item[0]))
    growth = figures.get("growth")
    return [
        _row(
            "pdf",
            f"report PDF, {int(small):,} forms",
            f"{_number(small_figures['seconds'], 's', 1)}, {small_figures.get('pages')} pages",
            "",
            "",
            "a few seconds (< 10 s)",
            small_figures["seconds"] < 10,
        ),
        _row(
            "pdf",
            f"report PDF, {int(large):,} forms",
            f"{_number(large_figures['seconds'], 's', 1)}, {large_figures.get('pages')} pages",
            f"at {int(small):,} forms: {_number(small_figures['seconds'], 's', 1)}",
            f"{growth}x" if growth is not None else "",
            "<= 3x the smaller",
            growth is not None and growth <= 3,
        ),
    ]


def _planning_rows(figures: dict) -> list[dict]:
    seconds = _first(figures, "planning_seconds", "seconds")
    return [
        _row(
            "planning",
            f"{figures.get('sto_teams', '?'):,} STO teams on {figures.get('stations', '?'):,} stations",
            _number(seconds, "s", 2),
            f"team formation {_number(figures.get('formation_seconds'), 's', 2)}",
            "",
            "< 10 s",
            seconds is not None and seconds < 10,
        )
    ]


def _pages_rows(figures: dict) -> list[dict]:
    rows = []
    sizes = figures.get("sizes", [])
    for label, page in figures.get("pages", {}).items():
        if "not_available" in page:
            rows.append(_row("pages", label, "not available", page["not_available"]))
            continue
        errors = [value["error"] for value in page["by_size"].values() if "error" in value]
        if errors:
            rows.append(_row("pages", label, "failed", errors[0], "", "< 300 ms, constant queries", False))
            continue
        by_size = page["by_size"]
        largest = by_size[str(max(sizes))]
        queries = " / ".join(f"{by_size[str(size)]['queries']}" for size in sizes)
        rows.append(
            _row(
                "pages",
                f"{label} at {max(sizes):,} forms",
                f"{_number(largest['median_ms'], 'ms')}, {largest['queries']} queries",
                f"at {min(sizes):,} forms: {_number(by_size[str(min(sizes))]['median_ms'], 'ms')}; "
                f"queries at {' / '.join(f'{size:,}' for size in sizes)}: {queries}",
                "",
                "< 300 ms, constant queries",
                page["under_target"] and page["constant_queries"],
            )
        )
    return rows


def _results_rows(figures: dict) -> list[dict]:
    stations = figures["stations"]
    total = figures["total_seconds"]
    return [
        _row(
            "results",
            f"import of {stations:,} stations' official results",
            _number(figures["import_seconds"], "s", 2),
            f"reading the file alone {_number(figures['parse_seconds'], 's', 2)}",
            f"{figures['import_seconds'] / figures['parse_seconds']:.1f}x reading" if figures["parse_seconds"] else "",
        ),
        _row(
            "results",
            f"checks and cross-check, {figures['observed_counts']:,} observed counts",
            _number(figures["crosscheck_seconds"], "s", 2),
            f"reading the rows alone {_number(figures['fetch_seconds'], 's', 2)}",
            f"{figures['crosscheck_seconds'] / figures['fetch_seconds']:.1f}x reading"
            if figures["fetch_seconds"]
            else "",
        ),
        _row(
            "results",
            f"import + cross-check of {stations:,} stations",
            _number(total, "s", 2),
            f"{figures['differing']:,} differing, {figures['findings']:,} findings",
            "",
            f"< {figures['target_seconds']:g} s",
            total < figures["target_seconds"],
        ),
    ]


ROW_BUILDERS = {
    "ingest": _ingest_rows,
    "compile": _compile_rows,
    "export": lambda figures: _export_rows(figures) + _export_reference_rows(figures),
    "planning": _planning_rows,
    "pages": _pages_rows,
    "results": _results_rows,
    "pdf": _pdf_rows,
}


def table_rows(benchmarks: dict) -> list[dict]:
    rows = []
    for name, figures in benchmarks.items():
        if "not_available" in figures:
            rows.append(_row(name, "-", "not available", figures["not_available"]))
        elif "skipped" in figures:
            rows.append(_row(name, "-", "skipped", figures["skipped"]))
        elif "error" in figures:
            rows.append(_row(name, "-", "FAILED", figures["error"][:120]))
        else:
            try:
                rows.extend(ROW_BUILDERS[name](figures))
            except (KeyError, TypeError, ValueError, ZeroDivisionError) as error:
                rows.append(_row(name, "-", "unreadable figures", f"{type(error).__name__}: {error}"))
    return rows


def render_table(rows: list[dict]) -> str:
    """A Markdown table (readable in a terminal as it is)."""
    headers = ["benchmark", "measure", "figure", "reference", "ratio", "target", "result"]
    widths = {h: max(len(h), *(len(str(row[h])) for row in rows)) if rows else len(h) for h in headers}
    lines = [
        "| " + " | ".join(h.ljust(widths[h]) for h in headers) + " |",
        "|" + "|".join("-" * (widths[h] + 2) for h in headers) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(str(row[h]).ljust(widths[h]) for h in headers) + " |")
    return "\n".join(lines)


def render_machine(info: dict) -> str:
    load = info.get("load_average")
    return (
        f"{info['cpus']} CPUs, {info['memory_gb']} GB memory, {info['database']}, Python {info['python']}, "
        f"Django {info['django']}; load average at start {load[0] if load else '-'}"
    )


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
