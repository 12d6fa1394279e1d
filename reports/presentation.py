"""A compiled result shaped into rows for templates (page and PDF share them)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _

from checklists.choices import Assessment, FormKind
from results.choices import FindingKind
from results.exports import SUMMARY_COLUMNS

from .charts import MAX_PROBLEMS, main_problems, region_names

KIND_LABELS = dict(FormKind.choices)
LIST_PAGE_SIZE = 100  # rows per page of a list on the report page
PDF_LIST_ROWS = 200  # rows of a list printed in the PDF; the XLSX and the page hold them all
AREA_LABELS = {"urban": "Urban", "rural": "Rural", "": "Unknown"}


def _questions_with_critical_answers(result: dict) -> int:
    """How many questions of the headline kind had critical answers (the main problems are the first of them)."""
    from .charts import main_kind

    kind = main_kind(result)
    if kind is None:
        return 0
    return sum(
        1
        for question in result["kinds"][kind]["questions"]
        if question.get("critical") and question["critical"]["count"]
    )


# Yes/no answers are stored as codes; the report shows them as words in the reader's language.
ANSWER_WORDS = {"yes": _("Yes"), "no": _("No"), "na": _("Not applicable")}


def answer_label(value: str, label: str | None = None) -> str:
    """The label of an answer: the question's own label, else the word for a yes/no code, else the value as given."""
    if label and label != value:
        return label
    return ANSWER_WORDS.get(value, label or value)


def region_order(result: dict, by_region: dict) -> list[str]:
    """The codes of `by_region` in the order of the region names (an unknown region last)."""
    order = {region["code"]: index for index, region in enumerate(result["regions"])}
    return sorted(by_region, key=lambda code: (code == "", order.get(code, len(order)), code))


def _ci(cell) -> str:
    return f"{cell['ci'][0]}–{cell['ci'][1]}" if cell and cell.get("ci") else ""


def listing(rows: list, *, name: str, page: int | str | None, pdf: bool, where: str) -> dict:
    """One list of the report, whole or a page of it, with how many are shown of how many and where the rest is."""
    total = len(rows)
    if pdf:
        shown = rows[:PDF_LIST_ROWS]
        return {
            "name": name,
            "rows": shown,
            "total": total,
            "first": 1 if shown else 0,
            "last": len(shown),
            "complete": len(shown) == total,
            "where": where,
            "page": None,
        }
    paginator = Paginator(rows, LIST_PAGE_SIZE)
    current = paginator.get_page(page)
    return {
        "name": name,
        "rows": list(current.object_list),
        "total": total,
        "first": current.start_index(),
        "last": current.end_index(),
        "complete": paginator.num_pages <= 1,
        "where": where,
        "page": current,
    }


def _official_results(section: dict | None, *, pages: dict, pdf: bool) -> dict | None:
    """The official results section of a run: its summary overall and per region, findings by kind, and the list."""
    if not section:
        return None
    summary_rows = [] if section.get("region") else [{"label": "All regions", **section["summary"]}]
    summary_rows += [{"label": row["name"], **row} for row in section["regions"]]
    return {
        "section": section,
        "summary_headers": [label for _key, label in SUMMARY_COLUMNS],
        "summary_rows": [
            {"label": row["label"], "cells": [row.get(key, 0) for key, _label in SUMMARY_COLUMNS]}
            for row in summary_rows
        ],
        "kinds": [(FindingKind(kind).label, count) for kind, count in section["kinds"].items() if count],
        "findings": listing(
            section["findings"],
            name="official",
            page=pages.get("official"),
            pdf=pdf,
            where="every one is in the XLSX (sheet Official results findings) and on the report page",
        ),
    }


def report_tables(result: dict, *, pages: dict | None = None, pdf: bool = False) -> dict:
    """Rows for every table of the report: coverage, assessment, questions by region and by area, incidents.

    Lists (incidents, protocol mismatches, conflicts) are whole: the page shows them page by page (`pages` maps a
    list's name to the page asked for), the PDF its first PDF_LIST_ROWS, each saying "N of M shown" and where the
    rest is.
    """
    pages = pages or {}
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
            assessment_row(names.get(code, code), assessment["by_region"][code])
            for code in region_order(result, assessment["by_region"])
        ]
        assessment_rows += [
            assessment_row(AREA_LABELS.get(code, code), cell) for code, cell in assessment["by_area"].items()
        ]
        questions = []
        for question in data["questions"]:
            columns = [(names.get(code, code), question["by_region"].get(code)) for code in region_codes]
            columns += [(AREA_LABELS.get(code, code), cell) for code, cell in question["by_area"].items()]
            values = question.get("values", [])
            value_rows = [
                {"value": value, "label": answer_label(value["value"], value.get("label")), "ci": _ci(value)}
                for value in values
            ]
            # The breakdown has regions (in name order) and areas as rows and the answers as columns, so that a
            # mission of twenty regions reads down the page rather than sideways.
            breakdown = []
            for label, cell in columns:
                if not cell or not cell.get("n"):
                    continue
                found = {v["value"]: v for v in cell.get("values", [])}
                breakdown.append(
                    {"label": label, "cell": cell, "cells": [found.get(value["value"]) for value in values]}
                )
            questions.append(
                {
                    "question": question,
                    "value_rows": value_rows,
                    "breakdown": breakdown,
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
                "integers": [item for item in questions if item["question"]["type"] == "integer"],
            }
        )
    return {
        "coverage_rows": [
            {"label": names.get(code, code), **coverage["by_region"][code]}
            for code in region_order(result, coverage["by_region"])
        ]
        + [{"label": AREA_LABELS.get(code, code), **cell} for code, cell in coverage["by_area"].items()],
        "kinds": kinds,
        "problems": [
            {"kind": KIND_LABELS.get(kind, kind), "question": question, "ci": _ci(question["critical"])}
            for kind, question in main_problems(result)
        ],
        "problems_total": _questions_with_critical_answers(result),
        "problems_limit": MAX_PROBLEMS,
        "incidents": listing(
            [
                {
                    **row,
                    "region_name": names.get(row["region"], row["region"]),
                    "critical_answers": [
                        {**answer, "label": answer_label(answer["value"])} for answer in row["critical_answers"]
                    ],
                }
                for row in result["incidents"]["list"]
            ],
            name="incidents",
            page=pages.get("incidents"),
            pdf=pdf,
            where="every one is in the XLSX (sheet Incidents) and on the report page",
        ),
        "protocol": listing(
            [{**row, "region_name": names.get(row["region"], row["region"])} for row in result["protocol"]["list"]],
            name="protocol",
            page=pages.get("protocol"),
            pdf=pdf,
            where="every one is in the XLSX (sheet Protocol mismatches) and on the report page",
        ),
        "conflicts": listing(
            [
                {
                    **conflict,
                    "key": f"{conflict['kind']}:{conflict['station_id']}",
                    "kind_label": KIND_LABELS.get(conflict["kind"], conflict["kind"]),
                    "region_name": names.get(conflict["region"], conflict["region"]),
                    "rows": [
                        {
                            "line": line,
                            "cells": [line["values"].get(str(form["submission"]), "") for form in conflict["forms"]],
                        }
                        for line in conflict["lines"]
                    ],
                }
                for conflict in result.get("conflicts", {}).get("list", [])
            ],
            name="conflicts",
            page=pages.get("conflicts"),
            pdf=pdf,
            where="every one is in the XLSX (sheet Conflicts) and on the report page",
        ),
        "official": _official_results(result.get("official_results"), pages=pages, pdf=pdf),
        "turnout_rows": [
            {"label": names.get(code, code), **result["turnout"]["by_region"][code]}
            for code in region_order(result, result["turnout"]["by_region"])
        ],
        "kind_labels": KIND_LABELS,
    }
