"""The report page's question tables write their thousands of figures in Python (reports.presentation.FigureTexts)
and their breakdown rows in a template tag, rather than a template node per figure: each figure must read exactly as
`{{ value }}` wrote it, in each language and number format, and the names in those rows must be escaped."""

import pytest
from django.template import Context, Template
from django.utils import translation

from reports.presentation import FigureTexts
from reports.templatetags.report_tables import answer_breakdown_rows

# Counts, percentages, means and medians as results hold them, and the edges of Django's number formatting: signed
# zeros, floats it writes through Decimal (exponents), numbers long enough to be grouped.
VALUES = [0, 7, -3, 1234567, True, 0.0, -0.0, 28.4, 100.0, 5.05, -12.5, 1e-7, 12345.5, 2.5e16]


@pytest.mark.parametrize("grouping", [False, True])
@pytest.mark.parametrize("language", ["en", "ru"])
def test_figures_are_written_as_the_template_writes_them(settings, language, grouping):
    settings.USE_THOUSAND_SEPARATOR = grouping
    template = Template('{{ value }}|{{ value|default_if_none:"–" }}')
    with translation.override(language):
        texts = FigureTexts()
        for value in [*VALUES, None]:
            expected = template.render(Context({"value": value}))
            for _twice in range(2):  # written, then read back from what was written
                assert f"{texts.number(value)}|{texts.figure(value)}" == expected, value


def test_a_russian_reader_reads_decimal_commas():
    with translation.override("ru"):
        texts = FigureTexts()
        assert (texts.figure(28.4), texts.figure(None), texts.number(1234)) == ("28,4", "–", "1234")


def test_the_breakdown_rows_escape_the_names_they_show():
    with translation.override("en"):
        texts = FigureTexts()
        rows = [{"label": '<b>"R&D"</b>', "n": texts.number(3), "cells": [(texts.number(2), texts.figure(66.7)), None]}]
        assert answer_breakdown_rows(rows) == (
            '<tr><td>&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt;</td><td class="num">3</td>'
            '<td class="num">2 <small>(66.7%)</small></td><td class="num">–</td></tr>'
        )
