"""Mission statistics computed in the database with a constant number of aggregate queries, in named phases.

Counting rules (docs/findings.md): the unit is the observation (one form); distinct polling stations are given
alongside; the denominator n of a question is the forms where it was shown and answered ("not applicable" and blank are
reported separately, never counted in n); answers given on several versions of a form are merged by question code.

Every percentage, mean, median and interval bound is rounded half up to one decimal from exact integers
(missions.figures). Integer questions give n, sum, mean, median (over all forms) and min-max. Tabulation forms are about
a TEC: their distinct TECs are counted, their distinct stations are not applicable. Turnout follows
TURNOUT_CONVENTION and says how many forms it leaves out and why.

The phases, each a function of its own module, in the order `compile_phases` runs them:
  0. scope_build (base)            which forms count: the snapshot filter, conflict decisions, the regions
  1. question_catalogue            the questions per kind, merged by code across versions
  2. coverage_count (coverage)     per kind and cell: observations, stations, TECs, flags, assessments (and the
                                   teams that reported, from the tallies)
  3. answers_count (answers)       the one phase that reads answers: tallies per question, kind and cell
  4. kinds_compile (questions)     each kind's figures and each question's distribution, from 2 and 3
  5. turnout_count, teams_count    turnout at voting visits; teams deployed and reporting

Phases 2, 3 and the teams that reported count from the running tallies (tallied.py) or by a recount of the forms
and answers (coverage.py, answers.py: the verifier), as `count_answers` or REPORTS_COUNT_ANSWERS says (`count_source`).
  6. rule_counts (flagged)         forms per data-quality rule; protocol_summary and incidents_summary count the
                                   flagged forms, flagged_store writes a run's list of them (flagged_forms)
  7. timeline_count                forms received per hour, in local time
  8. conflicts_compile             forms of different teams that disagree (reports.conflicts)
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from missions.clock import local_zone

from ..conflicts import conflicts_compile
from ..flagged import flagged_lists_live, flagged_lists_of_run
from ..result import SCHEMA, ReportResult
from .answers import AnswerTally, answers_count
from .base import (
    ANSWERED,
    ASSESSMENT_VALUES,
    STATION_KINDS,
    SUMMARISED_TYPES,
    UNKNOWN_REGION,
    VOTERS_ON_LIST,
    VOTERS_VOTED,
    Cells,
    Extremes,
    Scope,
    area_key,
    forms_as_of,
    scope_build,
    share,
    snapshot_description,
    wilson_interval,
)
from .catalogue import question_catalogue
from .coverage import CoverageTally, assessment_summary, coverage_count, coverage_summary, kind_cover, teams_count
from .flagged import flagged_forms, flagged_store, incidents_summary, protocol_summary, rule_counts
from .questions import kinds_compile, question_cells
from .tallied import answers_from_tallies, coverage_from_tallies
from .timeline import timeline_count
from .turnout import TURNOUT_CONVENTION, turnout_count

__all__ = [
    "ANSWERED",
    "ASSESSMENT_VALUES",
    "STATION_KINDS",
    "SUMMARISED_TYPES",
    "TURNOUT_CONVENTION",
    "UNKNOWN_REGION",
    "VOTERS_ON_LIST",
    "VOTERS_VOTED",
    "AnswerTally",
    "Cells",
    "CoverageTally",
    "Extremes",
    "Scope",
    "area_key",
    "assessment_summary",
    "CountSource",
    "answers_count",
    "compile_phases",
    "compile_settings",
    "count_source",
    "coverage_count",
    "coverage_from_tallies",
    "coverage_summary",
    "flagged_forms",
    "flagged_store",
    "forms_as_of",
    "incidents_summary",
    "kind_cover",
    "kinds_compile",
    "protocol_summary",
    "question_catalogue",
    "question_cells",
    "rule_counts",
    "scope_build",
    "share",
    "snapshot_description",
    "statistics_compile",
    "teams_count",
    "timeline_count",
    "turnout_count",
    "wilson_interval",
]


def statistics_compile(
    *, mission, kinds=None, region=None, cutoff=None, progress=None, count_answers: str | None = None, run=None
) -> ReportResult:
    """Compile a mission's statistics: coverage, per-question distributions, assessment, protocol, incidents, timeline.

    Counts every form as it stood at `cutoff` (forms received and corrected up to then); without a cut-off, as it
    stands when compilation starts. `progress`, when given, is called with a percentage (0-100) between steps.
    `count_answers` is "tallies" (the running tallies, tallied.py) or "recount" (every answer row, answers.py: the
    verifier); by default REPORTS_COUNT_ANSWERS. Both give identical results. With `run`, the flagged forms are
    stored as that run's lists (flagged_store) and the result's lists read them; without, its lists read the forms
    as of the cut-off when they are read.
    """
    cutoff = cutoff or timezone.now()
    source = count_source(count_answers)
    with compile_settings():
        return compile_phases(
            mission=mission, kinds=kinds, region=region, cutoff=cutoff, progress=progress, source=source, run=run
        )


@contextmanager
def compile_settings():
    """The database session's settings for the statements of a compilation, set while the block runs (PostgreSQL;
    elsewhere nothing). A phase run on its own (a measurement) runs under the same settings.

    These are a few large aggregates: PostgreSQL's JIT compilation costs more (~0.5 s) than it saves here, and with
    the default work_mem the planner, overestimating the groups, sorts on disk instead of hashing in memory.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET jit = off; SET work_mem = '{int(settings.REPORTS_WORK_MEM_MB)}MB'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit; RESET work_mem")


@dataclass(frozen=True)
class CountSource:
    """Where the phases that would scan the forms take their counts: `coverage` (scope) -> CoverageTally, whose
    `teams` may name the teams that reported, and `answers` (scope, catalogue) -> AnswerTally."""

    coverage: Callable[[Scope], CoverageTally]
    answers: Callable[[Scope, dict], AnswerTally]


SOURCES = {
    "tallies": CountSource(coverage=coverage_from_tallies, answers=answers_from_tallies),
    "recount": CountSource(coverage=coverage_count, answers=answers_count),
}


def count_source(count_answers: str | None = None) -> CountSource:
    """The source of the counts, by name ("tallies" or "recount"; REPORTS_COUNT_ANSWERS when not given)."""
    how = count_answers or settings.REPORTS_COUNT_ANSWERS
    if how not in SOURCES:
        raise ValueError(f"count_answers is 'tallies' or 'recount', not {how!r}.")
    return SOURCES[how]


def compile_phases(*, mission, kinds, region, cutoff, progress=None, source=None, run=None) -> ReportResult:
    """Run the phases in order and assemble the compiled result.

    `source` (a CountSource) counts the coverage and the answers; by default the recount of the forms and answers.
    """
    tell = progress or (lambda pct: None)
    source = source or SOURCES["recount"]
    scope = scope_build(mission=mission, kinds=kinds, region=region, cutoff=cutoff)
    kinds = scope.kinds
    catalogue = question_catalogue(mission=mission, kinds=kinds)
    tell(5)
    coverage = source.coverage(scope)
    tell(15)
    answer_tally = source.answers(scope, catalogue)
    tell(55)
    kinds_out = kinds_compile(kinds=kinds, catalogue=catalogue, coverage=coverage, answers=answer_tally)
    coverage_out = coverage_summary(coverage, kinds)
    coverage_out["teams"] = teams_count(scope, reported=coverage.teams)
    turnout = turnout_count(scope, catalogue, tallied=answer_tally.turnout)
    tell(70)
    if run is not None:
        flagged_store(scope, run_id=run.pk)
    incidents = incidents_summary(per_kind=coverage.per_kind)
    protocol = protocol_summary(per_kind=coverage.per_kind, kinds=kinds, by_rule=rule_counts(scope))
    timeline = timeline_count(scope, tallied=answer_tally.received)
    conflicts = conflicts_compile(
        detect=scope.detect,
        answer_detect=scope.answer_detect,
        catalogue=catalogue,
        kinds=kinds,
        decisions=scope.decisions,
        rkey=scope.rkey,
    )
    tell(80)
    compiled = {
        "schema": SCHEMA,
        "mission": {"slug": mission.slug, "name": mission.name, "time_zone": local_zone(mission).key},
        "filters": {
            "kinds": list(kinds),
            "region": region.code if region is not None else None,
            "cutoff": cutoff.isoformat(),
        },
        "snapshot": snapshot_description(cutoff, mission),
        "regions": [{"code": row["code"], "name": row["name"]} for row in scope.regions],
        "coverage": coverage_out,
        "kinds": kinds_out,
        "turnout": turnout,
        "protocol": protocol,
        "incidents": incidents,
        "conflicts": conflicts,
        "timeline": timeline,
    }
    result = ReportResult.from_json(compiled)
    if run is not None:
        return flagged_lists_of_run(result, run_id=run.pk)
    return flagged_lists_live(result, rows=flagged_forms(scope))
