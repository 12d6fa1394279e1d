"""The benchmark table: one row per figure, with its reference, the ratio between them, the target and whether it
was met. `python -m bench` builds it from the figures each benchmark returns (bench/__main__.py)."""

from __future__ import annotations

import json


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
                    f"{_number(phase_s, 's', 3)} ({entry.get('tally_rows', 0):,} tally rows read)",
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
