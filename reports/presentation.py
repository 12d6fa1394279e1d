"""A compiled result shaped into rows for templates (page and PDF share them)."""

from __future__ import annotations

from checklists.choices import Assessment, FormKind

from .charts import main_problems, region_names

KIND_LABELS = dict(FormKind.choices)
AREA_LABELS = {"urban": "Urban", "rural": "Rural", "": "Unknown"}


def _ci(cell) -> str:
    return f"{cell['ci'][0]}–{cell['ci'][1]}" if cell and cell.get("ci") else ""


def report_tables(result: dict) -> dict:
    """Rows for every table of the report: coverage, assessment, questions by region and by area, incidents."""
    names = region_names(result)
    region_codes = [region["code"] for region in result["regions"]]
    coverage = result["coverage"]
    kinds = []
    for kind, data in result["kinds"].items():
        assessment = data["assessment"]

        def assessment_row(label, cell):
            return {
                "label": label,
                "n": cell["n"],
                "cells": [(cell["counts"][value.value], cell["pct"][value.value]) for value in Assessment],
                "negative": cell["negative"],
                "negative_ci": _ci(cell["negative"]),
            }

        assessment_rows = [assessment_row("All", assessment)]
        assessment_rows += [
            assessment_row(names.get(code, code), cell) for code, cell in assessment["by_region"].items()
        ]
        assessment_rows += [
            assessment_row(AREA_LABELS.get(code, code), cell) for code, cell in assessment["by_area"].items()
        ]
        questions = []
        for question in data["questions"]:
            columns = [(names.get(code, code), question["by_region"].get(code)) for code in region_codes]
            columns += [(AREA_LABELS.get(code, code), cell) for code, cell in question["by_area"].items()]
            value_rows = []
            for value in question.get("values", []):
                cells = []
                for _label, cell in columns:
                    found = next((v for v in (cell or {}).get("values", []) if v["value"] == value["value"]), None)
                    cells.append(found)
                value_rows.append({"value": value, "ci": _ci(value), "cells": cells})
            questions.append(
                {
                    "question": question,
                    "headers": [label for label, _cell in columns],
                    "n_cells": [(cell or {}).get("n", 0) for _label, cell in columns],
                    "integer_cells": [cell for _label, cell in columns],
                    "value_rows": value_rows,
                    "critical_ci": _ci(question.get("critical")),
                }
            )
        kinds.append(
            {
                "kind": kind,
                "label": KIND_LABELS.get(kind, kind),
                "data": data,
                "assessment_headers": [value.label for value in Assessment],
                "assessment_rows": assessment_rows,
                "questions": questions,
            }
        )
    return {
        "coverage_rows": [{"label": names.get(code, code), **cell} for code, cell in coverage["by_region"].items()]
        + [{"label": AREA_LABELS.get(code, code), **cell} for code, cell in coverage["by_area"].items()],
        "kinds": kinds,
        "problems": [
            {"kind": KIND_LABELS.get(kind, kind), "question": question, "ci": _ci(question["critical"])}
            for kind, question in main_problems(result)
        ],
        "incidents": [
            {**row, "region_name": names.get(row["region"], row["region"])} for row in result["incidents"]["list"]
        ],
        "protocol": [
            {**row, "region_name": names.get(row["region"], row["region"])} for row in result["protocol"]["list"]
        ],
        "turnout_rows": [
            {"label": names.get(code, code), **cell} for code, cell in result["turnout"]["by_region"].items()
        ],
        "kind_labels": KIND_LABELS,
    }
