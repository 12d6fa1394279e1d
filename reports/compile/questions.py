"""Phase 4, questions: each kind's figures and each question's distribution, from the coverage and answer tallies."""

from __future__ import annotations

from checklists.choices import NOT_APPLICABLE, QuestionType

from ..figures import ratio
from .answers import AnswerTally
from .base import ANSWERED, STATION_KINDS, SUMMARISED_TYPES, Cells, Extremes, share
from .coverage import CoverageTally, assessment_summary, kind_cover


def kinds_compile(*, kinds, catalogue: dict[str, list[dict]], coverage: CoverageTally, answers: AnswerTally) -> dict:
    """Per kind: observations, stations, TECs, coverage by region and area, assessment, and every question."""
    kinds_out = {}
    for kind in kinds:
        cells = coverage.per_kind.get(kind, Cells())
        totals = cells.total()
        about_stations = kind in STATION_KINDS
        values = answers.values[kind]
        kinds_out[kind] = {
            "observations": totals.get("observations", 0),
            # Tabulation forms are about a TEC, never a station: their distinct stations are not applicable.
            "stations": totals.get("stations", 0) if about_stations else None,
            "tecs": len(coverage.tecs.get(kind, ())),
            "by_region": kind_cover(
                cells.by(0), {key: len(tecs) for key, tecs in coverage.tecs_by_region[kind].items()}
            ),
            "by_area": kind_cover(cells.by(1), None),
            "assessment": assessment_summary(coverage.assessments.get(kind, {}), cells),
            "questions": [
                question_cells(
                    question,
                    values.get(question["code"], {}),
                    answers.multiple[kind].get(question["code"]),
                    answers.critical[kind].get(question["code"]),
                    answers.extremes[kind].get(question["code"]),
                    answers.medians.get((kind, question["code"])),
                )
                for question in catalogue[kind]
            ],
        }
        # Codes answered but unknown to every template version still count, labelled by their code.
        known = {question["code"] for question in catalogue[kind]}
        for code in sorted(set(values) - known):
            orphan = {
                "code": code,
                "text": code,
                "type": QuestionType.SINGLE.value,
                "section": "",
                "choices": [],
                "critical_values": [],
                "protocol_field": "",
                "version": None,
            }
            kinds_out[kind]["questions"].append(question_cells(orphan, values[code], None, None, None, None))
    return kinds_out


def question_cells(
    question: dict,
    tally: dict,
    answered_multiple: Cells | None,
    critical: Cells | None,
    extremes: Extremes | None,
    median: float | None,
) -> dict:
    """One question's distribution overall, by region and by urban/rural (integers: n, sum, mean, median, min-max)."""
    is_summarised = question["type"] in SUMMARISED_TYPES
    choice_order = [choice["value"] for choice in question["choices"] if choice["value"] != NOT_APPLICABLE]
    value_keys = [key for key in tally if key not in (None, NOT_APPLICABLE, ANSWERED)]
    ordered_values = list(choice_order) + sorted(set(value_keys) - set(choice_order))
    if question["type"] in (QuestionType.YES_NO, QuestionType.YES_NO_NA) and not choice_order:
        ordered_values = ["yes", "no"] + sorted(set(value_keys) - {"yes", "no"})

    def group(pick) -> dict:
        counts = {key: pick(cells).get("count", 0) for key, cells in tally.items()}
        na, blank = counts.get(NOT_APPLICABLE, 0), counts.get(None, 0)
        if is_summarised:
            n = counts.get(ANSWERED, 0) + sum(counts.get(key, 0) for key in value_keys)
            out = {"n": n, "na": na, "blank": blank}
            if question["type"] == QuestionType.INTEGER:
                total = pick(tally[ANSWERED]).get("total", 0) if ANSWERED in tally else 0
                found = pick(extremes) if extremes is not None else None
                low, high = found if found else (None, None)
                out.update({"sum": total, "mean": ratio(total, n), "min": low, "max": high})
            return out
        if answered_multiple is not None:
            n = pick(answered_multiple).get("n", 0)
        else:
            n = sum(counts.get(key, 0) for key in value_keys)
        values = [{**share(counts.get(value, 0), n), "value": value} for value in ordered_values]
        out = {"n": n, "na": na, "blank": blank, "values": values}
        if question["critical_values"]:
            found = pick(critical) if critical is not None else {}
            out["critical"] = {**share(found.get("observations", 0), n), "stations": found.get("stations", 0)}
        return out

    def by(axis: int) -> dict:
        keys = set()
        for cells in list(tally.values()) + [answered_multiple or Cells()]:
            keys |= set(cells.by(axis))
        return {key: group(lambda cells, key=key: cells.by(axis).get(key, {})) for key in sorted(keys)}

    overall = group(lambda cells: cells.total())
    if question["type"] == QuestionType.INTEGER:
        overall["median"] = median  # over every answered form; not split by region or area
    return {
        "code": question["code"],
        "type": question["type"],
        "version": question["version"],
        "critical_values": question["critical_values"],
        **overall,
        "by_region": by(0),
        "by_area": by(1),
    }
