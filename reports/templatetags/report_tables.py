"""Rows of the report page written in Python where a template loop would write thousands of cells one node at a time."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from reports.presentation import NO_FIGURE

register = template.Library()

_NO_ANSWER_CELL = f'<td class="num">{NO_FIGURE}</td>'


@register.simple_tag
def answer_breakdown_rows(breakdown: list[dict]) -> str:
    """The rows of a closed question's breakdown (regions in name order, then areas; its answers as columns), as
    reports.presentation shapes them, its figures written out: each cell the count and its percentage, NO_FIGURE where
    nobody in the group gave that answer. They are most of the page's cells (every answer of every question in each
    of a mission's twenty regions), which a template's loop renders at a few microseconds a value."""
    rows = []
    for row in breakdown:
        cells = "".join(
            f'<td class="num">{conditional_escape(cell[0])} <small>({conditional_escape(cell[1])}%)</small></td>'
            if cell is not None
            else _NO_ANSWER_CELL
            for cell in row["cells"]
        )
        rows.append(
            f'<tr><td>{conditional_escape(row["label"])}</td><td class="num">{conditional_escape(row["n"])}</td>'
            f"{cells}</tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value is escaped above
