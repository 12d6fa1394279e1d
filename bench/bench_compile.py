"""Benchmark: compile the statistics of 10,000 and 100,000 voting forms against the machine's limit and pandas.

    DJANGO_SETTINGS_MODULE=config.settings.local python -m bench.bench_compile --forms 10000

In one run, on the same data (bench.data missions, written with COPY and reused between runs), it times:
- the full compilation (reports.compile.statistics_compile over the voting forms, then its charts), as the product
  runs it (per-question counts from the running tallies), and again counting every answer (the recount, the
  verifier), checking that both give identical results; and the answers phase alone, both ways;
- the single hand-written SQL query of per-question answer counts by region: the limit, since the compilation's
  main aggregate is that query with urban/rural added and everything else is small;
- loading the same answers into pandas and grouping them, as peer tools do (only when pandas is importable);
and reports the ratios. `run(scale)` returns the figures for the harness (python -m bench).
"""

from __future__ import annotations

import argparse
import json
import time

from bench.process import best_of, django_setup

SCALES = {"tiny": [200], "standard": [10_000, 100_000], "large": [10_000, 100_000, 1_000_000]}
# pandas holds every answer row in memory: 36 million rows at 1,000,000 forms. Its target is at 100,000.
PANDAS_MAX_FORMS = 100_000

# Compilation counts each form as it stood at a moment, from the revision tables: the limit reads the same rows
# (the current revisions).
LIMIT_SQL = (
    "SELECT a.question_code, a.value, r.region_id, COUNT(*) "
    "FROM submissions_revisionanswer a JOIN submissions_submissionrevision r ON r.id = a.revision_id "
    "WHERE r.mission_id = %s AND r.kind = 'voting' AND r.valid_until IS NULL "
    "GROUP BY a.question_code, a.value, r.region_id"
)
PANDAS_SQL = (
    "SELECT a.question_code, a.value, r.region_id "
    "FROM submissions_revisionanswer a JOIN submissions_submissionrevision r ON r.id = a.revision_id "
    "WHERE r.mission_id = %s AND r.kind = 'voting' AND r.valid_until IS NULL"
)


def limit_query(mission_id: int) -> int:
    """The hand-written per-question counts by region; returns the number of groups."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(LIMIT_SQL, [mission_id])
        return len(cursor.fetchall())


def pandas_grouping(mission_id: int):
    """Load every answer row into a DataFrame and group it, as peer tools do; None without pandas."""
    try:
        import pandas
    except ImportError:
        return None
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(PANDAS_SQL, [mission_id])
        frame = pandas.DataFrame(cursor.fetchall(), columns=["question_code", "value", "region_id"])
    return len(frame.groupby(["question_code", "value", "region_id"], dropna=False).size())


def answers_phase(mission) -> dict:
    """The phase that reads answers, alone: from the running tallies and by the recount, and the tally rows read.

    `tally_rows` are the folded rows the compilation as of now reads (tallies.selectors.tally_path: the totals and
    the hourly rows from the current hour on, or the hourly rows before it); `tally_hourly_rows` and
    `tally_total_rows` the mission's hourly counts and totals.
    """
    from django.utils import timezone

    from reports.compile import answers_count, compile_settings, question_catalogue, scope_build
    from reports.compile.tallied import answers_from_tallies
    from tallies.models import TallyCount, TallyTotal
    from tallies.selectors import tally_path

    scope = scope_build(mission=mission, kinds=["voting"], region=None, cutoff=timezone.now())
    catalogue = question_catalogue(mission=mission, kinds=scope.kinds)
    # Under the compilation's own session settings, as it runs inside a compilation.
    with compile_settings():
        tallies_seconds, _tally = best_of(lambda: answers_from_tallies(scope, catalogue))
        recount_seconds, _tally = best_of(lambda: answers_count(scope, catalogue))
    path, rows_read = tally_path(mission=mission, at=scope.cutoff)
    return {
        "answers_phase_tallies_seconds": round(tallies_seconds, 3),
        "answers_phase_recount_seconds": round(recount_seconds, 3),
        "tally_rows": rows_read,
        "tally_path": path,
        "tally_hourly_rows": TallyCount.objects.filter(mission=mission).count(),
        "tally_total_rows": TallyTotal.objects.filter(mission=mission).count(),
    }


def measure(forms: int) -> dict:
    """Generate (or reuse) `forms` voting forms and time the compilation, the SQL limit and pandas on them."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bench.data import dataset_ensure
    from reports.charts import charts_render
    from reports.compile import statistics_compile
    from reports.models import ReportRun
    from reports.result import ReportLabels
    from submissions.models import Answer

    dataset = dataset_ensure(forms=forms)
    mission = dataset.mission
    answers = Answer.objects.filter(submission__mission=mission, submission__kind="voting").count()
    sql_seconds, groups = best_of(lambda: limit_query(mission.pk))
    # As the worker compiles a run: its flagged forms are written to the run's table (a run compiled again replaces
    # them), so that write is timed too.
    stored = ReportRun.objects.create(mission=mission, kinds=["voting"])
    compile_seconds, result = best_of(
        lambda: statistics_compile(mission=mission, kinds=["voting"], count_answers="tallies", run=stored)
    )
    recount_seconds, _recounted = best_of(
        lambda: statistics_compile(mission=mission, kinds=["voting"], count_answers="recount", run=stored)
    )
    # The identity check compiles both ways as of one moment (the result names its cut-off).
    moment = timezone.now()
    result = statistics_compile(mission=mission, kinds=["voting"], cutoff=moment, count_answers="tallies")
    recounted = statistics_compile(mission=mission, kinds=["voting"], cutoff=moment, count_answers="recount")
    identical = json.dumps(result.to_json(), sort_keys=True) == json.dumps(recounted.to_json(), sort_keys=True)
    phase = answers_phase(mission)
    charts_started = time.perf_counter()
    charts_render(result, ReportLabels.for_result(result, mission=mission))
    charts_seconds = time.perf_counter() - charts_started
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        statistics_compile(mission=mission, kinds=["voting"], run=stored)
    stored.delete()
    figures = {
        "forms": dataset.forms,
        "answers": answers,
        "generate_seconds": dataset.generate_seconds,
        "sql_seconds": round(sql_seconds, 3),
        "sql_groups": groups,
        "compile_seconds": round(compile_seconds, 3),
        "recount_seconds": round(recount_seconds, 3),
        "identical": identical,
        **phase,
        "fold_seconds": dataset.fold_seconds,
        "charts_seconds": round(charts_seconds, 3),
        "compile_queries": len(captured),
        "observations": result.coverage.observations_total,
        "compile_to_sql": round(compile_seconds / sql_seconds, 2) if sql_seconds else None,
    }
    if dataset.forms > PANDAS_MAX_FORMS:
        figures["pandas"] = f"not run above {PANDAS_MAX_FORMS:,} forms (it holds every answer row in memory)"
        return figures
    try:
        import pandas  # noqa: F401
    except ImportError:
        figures["pandas"] = "pandas not installed (pip install -r requirements-dev.txt)"
    else:
        pandas_seconds, _groups = best_of(lambda: pandas_grouping(mission.pk), repeat=1)
        figures["pandas_seconds"] = round(pandas_seconds, 3)
        figures["pandas_to_compile"] = round(pandas_seconds / compile_seconds, 2) if compile_seconds else None
    return figures


def run(scale: str = "standard") -> dict:
    """Figures for the harness: per size, the compilation, the SQL limit, pandas and their ratios; and the growth."""
    django_setup()
    sizes = {str(forms): measure(forms) for forms in SCALES[scale]}
    out: dict = {"sizes": sizes}
    if "10000" in sizes and "100000" in sizes:
        small, large = sizes["10000"], sizes["100000"]
        out["growth"] = round(large["compile_seconds"] / small["compile_seconds"], 2)
        out["growth_recount"] = round(large["recount_seconds"] / small["recount_seconds"], 2)
        out["growth_answers_phase"] = round(
            large["answers_phase_tallies_seconds"] / small["answers_phase_tallies_seconds"], 2
        )
        out["growth_answers_phase_recount"] = round(
            large["answers_phase_recount_seconds"] / small["answers_phase_recount_seconds"], 2
        )
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forms", type=int, help="One size of voting forms (default: the scale's sizes).")
    parser.add_argument("--scale", choices=sorted(SCALES), default="standard")
    options = parser.parse_args(argv)
    if options.forms:
        django_setup()
        print(json.dumps(measure(options.forms), indent=2))  # noqa: T201
    else:
        print(json.dumps(run(options.scale), indent=2))  # noqa: T201


if __name__ == "__main__":
    main()
