"""Phases 2 and 3 from the running tallies (tallies/): the coverage and the answer counts of a compilation without
scanning every form or answer.

The coverage (`coverage_from_tallies`) reads the cells each revision fills from its own columns (tallies.cells,
COVERAGE_CODES): per kind and place the forms, urgent, critical, incident and protocol-mismatch forms and the forms per
overall assessment, summed; the distinct stations per kind, with a negative assessment, and across kinds, the TECs
and the teams that reported, as the station, TEC and team cells with a positive count, counted in the database
(`tally_coverage`, one statement). Those cells depend on no checklist version, so the coverage never falls back to
the recount; it is exact at any cut-off for the same reasons as the answers below.

Counts per answer, answered / not applicable / blank, integer sums and the n of multiple-choice questions come from
`tally_cells`: the counts of the hours before the cut-off, plus the events since, less the forms a conflict decision
set aside. The smallest and largest integer per cell and each integer question's median come from the integers'
histogram among those cells (forms per place, question and value): the least and greatest value with a positive
count, and the middle value(s) of the values in order; the database summarises the histogram (`tally_read`: a row
per place and per distinct value, not per value and place). The forms giving a critical answer and their distinct
stations come from the cells per station: the sum of the counts, and the stations with a positive count.
The tallies group each form's answers by the question's type on the form's own checklist version, the recount by the
merged catalogue; when the two disagree for some code (an integer in one version, a choice in another), the whole
phase is recounted (answers_count), so the figures never differ. The same holds when two versions give one code
different critical values: the tallies took each form's own, the recount takes them across the catalogue.
"""

from __future__ import annotations

from collections import defaultdict

from checklists.choices import OVERALL_ASSESSMENT_CODE, QuestionType
from checklists.models import Question
from tallies.cells import (
    FORMS_ALL,
    FORMS_CRITICAL,
    FORMS_INCIDENT,
    FORMS_MISMATCH,
    FORMS_URGENT,
    MULTIPLE_ANSWERED,
    NEGATIVE_AT,
    OBSERVED_AT,
    RECEIVED,
    TURNOUT,
    TURNOUT_INCOMPLETE,
    TURNOUT_ON_LIST,
    TURNOUT_ON_LIST_ZERO,
    TURNOUT_VOTED,
    VOTERS_ON_LIST,
    VOTERS_VOTED,
    assessed_cell,
    critical_cell,
    received_slot_start,
    turnout_figure,
)
from tallies.selectors import TallyRead, tally_coverage, tally_read

from ..conflicts import excluded_forms
from ..figures import ratio
from .answers import AnswerTally, _codes, answers_count
from .base import ASSESSMENT_VALUES, SUMMARISED_TYPES, Cells, Scope, area_key
from .coverage import CoverageTally, stations_count
from .turnout import turnout_codes

# A forms cell's answer -> the coverage figure it counts (reports.compile.coverage), in the order the recount adds them.
COVERAGE_FIGURES = {
    FORMS_ALL: "observations",
    FORMS_URGENT: "urgent",
    FORMS_CRITICAL: "critical",
    FORMS_INCIDENT: "incident",
    FORMS_MISMATCH: "mismatch",
}

# A turnout cell's answer -> the figure it adds to (reports.compile.turnout), and whether it adds its sum or forms.
TURNOUT_FIGURES = {
    TURNOUT_VOTED: (("forms", "count"), ("voters_voted", "total")),
    TURNOUT_ON_LIST: (("voters_on_list", "total"),),
    TURNOUT_ON_LIST_ZERO: (("on_list_zero", "count"),),
    TURNOUT_INCOMPLETE: (("incomplete", "count"),),
}


def tallies_fit(scope: Scope, catalogue: dict[str, list[dict]]) -> bool:
    """Whether every checklist version groups each code as the merged catalogue does, with the same critical values
    (one query)."""
    summarised = set(_codes(catalogue, SUMMARISED_TYPES))
    multiple = set(_codes(catalogue, (QuestionType.MULTIPLE,)))
    critical: dict[str, set[str]] = defaultdict(set)
    for questions in catalogue.values():
        for question in questions:
            critical[question["code"]].update(question["critical_values"])
    # Turnout reads the codes the catalogue gives the two figures; the tallies, each voting version's protocol fields.
    figures = turnout_codes(catalogue)
    rows = (
        Question.objects.filter(template__mission=scope.mission, template__kind__in=scope.kinds)
        .exclude(code=OVERALL_ASSESSMENT_CODE)
        .values_list("code", "type", "critical_values", "template__kind", "protocol_field")
    )
    return all(
        (kind in SUMMARISED_TYPES) == (code in summarised)
        and (kind == QuestionType.MULTIPLE) == (code in multiple)
        and {str(value) for value in (values or [])} == critical[code]
        and (
            form_kind != "voting"
            or all(
                (turnout_figure(code, field) == figure) == (code == figures[figure])
                for figure in (VOTERS_ON_LIST, VOTERS_VOTED)
            )
        )
        for code, kind, values, form_kind, field in rows
    )


def answers_from_tallies(scope: Scope, catalogue: dict[str, list[dict]]) -> AnswerTally:
    """The AnswerTally of answers_count, from the running tallies (falls back to answers_count; see the module)."""
    if not tallies_fit(scope, catalogue):
        return answers_count(scope, catalogue)
    tally = AnswerTally()
    # (kind, code, region id, area type) -> [forms, stations] giving a critical answer.
    critical: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    tally.turnout = Cells()
    tally.received = defaultdict(int)
    read = tally_read(
        mission=scope.mission,
        kinds=scope.kinds,
        region=scope.region,
        at=scope.cutoff,
        left_out=excluded_forms(scope.decisions),
    )
    for kind, region_id, area, code, key, count, total in read.cells:
        cell = (scope.rkey(region_id), area_key(area))
        if code == RECEIVED:
            tally.received[(received_slot_start(key), kind)] += count
            continue
        if code == TURNOUT:
            tally.turnout.add(
                *cell, **{figure: {"count": count, "total": total}[part] for figure, part in TURNOUT_FIGURES[key]}
            )
            continue
        station = critical_cell(key)
        if station is not None:
            found = critical[(kind, code, region_id, area)]
            found[0] += count
            found[1] += 1 if station and count > 0 else 0
        elif key == MULTIPLE_ANSWERED:
            tally.multiple[kind][code].add(*cell, n=count)
        else:
            tally.values[kind][code][key].add(*cell, count=count, total=total)
    _extremes(read, catalogue, tally, scope)
    tally.medians = _medians(read, catalogue)
    for (kind, code, region_id, area), (forms, stations) in critical.items():
        if forms:
            tally.critical[kind][code].add(scope.rkey(region_id), area_key(area), observations=forms, stations=stations)
    return tally


def _extremes(read: TallyRead, catalogue, tally: AnswerTally, scope: Scope) -> None:
    """Smallest and largest integer per kind, code and cell: the least and greatest value some form still gives."""
    codes = set(_codes(catalogue, SUMMARISED_TYPES))
    for kind, region_id, area, code, low, high in read.extremes:
        if code in codes:
            tally.extremes[kind][code].add(scope.rkey(region_id), area_key(area), low=low, high=high)


def _medians(read: TallyRead, catalogue) -> dict[tuple[str, str], float]:
    """(kind, code) -> an integer question's median over every cell: the middle value(s) of the values in order."""
    codes = set(_codes(catalogue, (QuestionType.INTEGER,)))
    forms: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for kind, code, number, count in read.values:  # in order of kind, code and integer
        if code in codes and count > 0:
            forms[(kind, code)].append((number, count))
    medians = {}
    for key, counts in forms.items():
        size = sum(count for _number, count in counts)
        # The middle position of an odd count, the two middle positions of an even one (1-based, as the recount).
        wanted = sorted({(size + 1) // 2, (size + 2) // 2})
        middle, seen = [], 0
        for number, count in counts:
            seen += count
            while wanted and wanted[0] <= seen:
                middle.append(number)
                wanted.pop(0)
        medians[key] = ratio(sum(middle), len(middle))
    return medians


def coverage_from_tallies(scope: Scope) -> CoverageTally:
    """The CoverageTally of coverage_count, from the running tallies (two queries, neither reading the forms).

    The forms, their flags and their overall assessments per kind and place are the sums of the forms cells; the
    distinct stations (per kind, with a negative assessment, across kinds), TECs and teams are the station, TEC and
    team cells with a positive count, counted in the database. A cell of the recount exists where a form is, with
    every figure: so here too.
    """
    read = tally_coverage(
        mission=scope.mission,
        kinds=scope.kinds,
        region=scope.region,
        at=scope.cutoff,
        left_out=excluded_forms(scope.decisions),
    )
    tally = CoverageTally(teams=read.teams)
    figures: dict[tuple[str, tuple[str, str]], dict[str, int]] = defaultdict(dict)
    for kind, region_id, area, key, count in read.forms:
        cell = (scope.rkey(region_id), area_key(area))
        value = assessed_cell(key)
        if value is not None:
            if value in ASSESSMENT_VALUES and count > 0:
                tally.assessments[kind][value].add(*cell, count=count)
        elif key in COVERAGE_FIGURES:
            found = figures[(kind, cell)]
            found[COVERAGE_FIGURES[key]] = found.get(COVERAGE_FIGURES[key], 0) + count
    for (kind, cell), found in figures.items():
        if found.get("observations", 0) > 0:
            tally.per_kind[kind].add(*cell, **{name: found.get(name, 0) for name in COVERAGE_FIGURES.values()})
    for kind, region_id, area, code, stations in read.stations:
        name = {OBSERVED_AT: "stations", NEGATIVE_AT: "negative_stations"}[code]
        tally.per_kind[kind].add(scope.rkey(region_id), area_key(area), **{name: stations})
    for cells in tally.per_kind.values():
        for cell in list(cells.cells):
            cells.add(*cell, stations=0, negative_stations=0)  # every figure in every cell, as the recount
    for region_id, area, stations in read.observed:
        tally.observed.add(scope.rkey(region_id), area_key(area), stations=stations)
    for kind, region_id, tec_id in read.tecs:
        tally.tecs[kind].add(tec_id)
        tally.tecs_by_region[kind][scope.rkey(region_id)].add(tec_id)
    stations_count(scope, tally)
    return tally
