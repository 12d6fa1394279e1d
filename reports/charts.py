"""SVG charts of a compiled result, drawn with matplotlib (Agg backend) when the run is compiled, once per language
the site offers (the words come from the result's labels in the language active while drawing)."""

from __future__ import annotations

import functools
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from django.conf import settings  # noqa: E402
from django.utils import translation  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402

from checklists.choices import Assessment  # noqa: E402

from .result import ReportLabels, ReportResult  # noqa: E402

ASSESSMENT_COLOURS = {"very_good": "#1a7f37", "good": "#8cc56f", "bad": "#f0a04b", "very_bad": "#c0392b"}

matplotlib.rcParams.update({"svg.hashsalt": "eom-report", "svg.fonttype": "none", "font.size": 9})
# Region names and question texts are typed by users: matplotlib must draw them, never read them as mathtext
# ("$...$") or LaTeX. Applied around every chart, so a change of the global parameters elsewhere cannot undo it.
PLAIN_TEXT = {"text.parse_math": False, "text.usetex": False}


def plain_label(text: str) -> str:
    """A user's text as a legend label: matplotlib hides labels that start with an underscore."""
    return f"\u200b{text}" if text.startswith("_") else text


def _plain_text(chart):
    """Draw the chart with user text taken literally."""

    @functools.wraps(chart)
    def draw(result: ReportResult, labels: ReportLabels) -> str | None:
        with matplotlib.rc_context(PLAIN_TEXT):
            return chart(result, labels)

    return draw


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    return buffer.getvalue()


@_plain_text
def assessment_by_region(result: ReportResult, labels: ReportLabels) -> str | None:
    """Stacked bars: the share of each overall assessment per region, for the main kind."""
    kind = result.main_kind()
    if kind is None:
        return None
    by_region = result.kinds[kind].assessment.by_region
    if not by_region:
        return None
    names = labels.region_names()
    regions = sorted(by_region, key=lambda code: names.get(code, code), reverse=True)
    figure, axes = plt.subplots(figsize=(7, 0.35 * len(regions) + 1.2))
    left = [0.0] * len(regions)
    for value in Assessment:
        widths = [by_region[code].pct[value.value] or 0 for code in regions]
        axes.barh(
            [names.get(code, code) for code in regions],
            widths,
            left=left,
            color=ASSESSMENT_COLOURS[value.value],
            label=str(value.label),
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    axes.set_xlim(0, 100)
    axes.set_xlabel(_("% of observations"))
    axes.set_title(_("Overall assessment by region (%(kind)s)") % {"kind": labels.kind(kind)})
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=4, frameon=False)
    return _svg(figure)


@_plain_text
def problems_by_region(result: ReportResult, labels: ReportLabels) -> str | None:
    """Grouped bars: per region, the share of observations with each of the main problems."""
    problems = result.main_problems()
    if not problems:
        return None
    names = labels.region_names()
    regions = sorted({code for _kind, question in problems for code in question.by_region})
    regions.sort(key=lambda code: names.get(code, code))
    figure, axes = plt.subplots(figsize=(7, 0.45 * len(regions) * len(problems) / 2 + 1.5))
    height = 0.8 / len(problems)
    for index, (kind, question) in enumerate(problems):
        values = [_critical_pct(question.by_region.get(code)) for code in regions]
        positions = [row + index * height for row in range(len(regions))]
        axes.barh(positions, values, height=height, label=plain_label(labels.question(kind, question.code)[:60]))
    axes.set_yticks([row + 0.4 - height / 2 for row in range(len(regions))])
    axes.set_yticklabels([names.get(code, code) for code in regions])
    axes.invert_yaxis()
    axes.set_xlabel(_("% of observations where answered"))
    axes.set_title(_("Main problems by region"))
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=1, frameon=False)
    return _svg(figure)


def _critical_pct(cell) -> float:
    return (cell.critical.pct or 0) if cell is not None and cell.critical is not None else 0


def charts_render(result: ReportResult, labels: ReportLabels) -> dict[str, str]:
    """All charts of a result in the active language, by name (charts without data are left out)."""
    charts = {
        "assessment_by_region": assessment_by_region(result, labels),
        "problems_by_region": problems_by_region(result, labels),
    }
    return {name: svg for name, svg in charts.items() if svg}


def charts_render_languages(result: ReportResult, labels: ReportLabels) -> dict[str, dict[str, str]]:
    """The charts in every language the site offers: language code -> chart name -> SVG."""
    out = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            out[language] = charts_render(result, labels)
    return out


def charts_in_language(stored: dict, language: str | None) -> dict[str, str]:
    """A run's charts in a language: runs compiled before charts were drawn per language hold one set."""
    if not stored:
        return {}
    if not all(isinstance(value, dict) for value in stored.values()):
        return stored
    code = (language or settings.LANGUAGE_CODE).split("-")[0]
    return stored.get(code) or stored.get(settings.LANGUAGE_CODE) or next(iter(stored.values()))
