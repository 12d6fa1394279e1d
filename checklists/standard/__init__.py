"""The standard ODIHR-style checklist set, as data: one specification per form kind, in English and Russian.

`checklists_load_standard` turns these specifications into published v1 templates of a mission. Question codes are
stable slugs: answers to the same code on later versions are merged by it, so never rename a code here.

`expected` is the answer given where the process went as it should; it is not stored on the question but tells the
demo generator (and a reader) which answer is the problem.
"""

from __future__ import annotations

from .building import YES_NO_LABELS
from .counting import (
    OPTIONAL_PROTOCOL_FIGURES,
    PROTOCOL_FIGURES,
    PROTOCOL_MAX,
    counting,
    protocol_questions,
    tabulation,
)
from .lto import WEEKLY_TOPICS, incident, lto_weekly, meeting
from .polling import opening, voting

__all__ = [
    "OPTIONAL_PROTOCOL_FIGURES",
    "PROTOCOL_FIGURES",
    "PROTOCOL_MAX",
    "WEEKLY_TOPICS",
    "YES_NO_LABELS",
    "expected_answers",
    "standard_specifications",
]


def standard_specifications(*, candidates: list[str]) -> list[dict]:
    """The seven standard checklists for a mission with these candidates (in ballot order)."""
    counting_spec = counting(candidates)
    for spec_section in counting_spec["sections"]:
        if spec_section["title"] == "Protocol figures":
            spec_section["questions"] = protocol_questions(candidates)
    return [opening(), voting(), counting_spec, tabulation(), lto_weekly(), meeting(), incident()]


def expected_answers(kind: str, *, candidates: list[str]) -> dict[str, str]:
    """Question code -> the answer given where the process went as it should, for one kind."""
    for spec in standard_specifications(candidates=candidates):
        if spec["kind"] == kind:
            return {
                q["code"]: q["expected"] for s in spec["sections"] for q in s["questions"] if q["expected"] is not None
            }
    return {}
