"""SVG charts of a compiled result, drawn with matplotlib (Agg backend) when the run is compiled."""

from __future__ import annotations

import functools
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from checklists.choices import Assessment  # noqa: E402

ASSESSMENT_COLOURS = {"very_good": "#1a7f37", "good": "#8cc56f", "bad": "#f0a04b", "very_bad": "#c0392b"}
MAX_PROBLEMS = 5

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
    def draw(result: dict) -> str | None:
        with matplotlib.rc_context(PLAIN_TEXT):
            return chart(result)

    return draw


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    return buffer.getvalue()


def main_kind(result: dict) -> str | None:
    """The kind the headline charts describe: voting when compiled, else the kind with most observations."""
    kinds = result.get("kinds", {})
    if kinds.get("voting", {}).get("observations"):
        return "voting"
    populated = [(data["observations"], kind) for kind, data in kinds.items() if data["observations"]]
    return max(populated)[1] if populated else None


def region_names(result: dict) -> dict[str, str]:
    names = {region["code"]: region["name"] for region in result.get("regions", [])}
    names[""] = "Unknown region"
    return names


@_plain_text
def assessment_by_region(result: dict) -> str | None:
    """Stacked bars: the share of each overall assessment per region, for the main kind."""
    kind = main_kind(result)
    if kind is None:
        return None
    by_region = result["kinds"][kind]["assessment"]["by_region"]
    if not by_region:
        return None
    names = region_names(result)
    regions = sorted(by_region, key=lambda code: names.get(code, code), reverse=True)
    figure, axes = plt.subplots(figsize=(7, 0.35 * len(regions) + 1.2))
    left = [0.0] * len(regions)
    for value in Assessment:
        widths = [by_region[code]["pct"][value.value] or 0 for code in regions]
        axes.barh(
            [names.get(code, code) for code in regions],
            widths,
            left=left,
            color=ASSESSMENT_COLOURS[value.value],
            label=str(value.label),
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    axes.set_xlim(0, 100)
    axes.set_xlabel("% of observations")
    axes.set_title(f"Overall assessment by region ({kind})")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=4, frameon=False)
    return _svg(figure)


def main_problems(result: dict) -> list[tuple[str, dict]]:
    """Questions with critical answers, most frequent first (by share of observations)."""
    kind = main_kind(result)
    if kind is None:
        return []
    problems = [
        question
        for question in result["kinds"][kind]["questions"]
        if question.get("critical") and question["critical"]["count"]
    ]
    problems.sort(key=lambda question: (-(question["critical"]["pct"] or 0), question["code"]))
    return [(kind, question) for question in problems[:MAX_PROBLEMS]]


@_plain_text
def problems_by_region(result: dict) -> str | None:
    """Grouped bars: per region, the share of observations with each of the main problems."""
    problems = main_problems(result)
    if not problems:
        return None
    names = region_names(result)
    regions = sorted({code for _kind, question in problems for code in question["by_region"]})
    regions.sort(key=lambda code: names.get(code, code))
    figure, axes = plt.subplots(figsize=(7, 0.45 * len(regions) * len(problems) / 2 + 1.5))
    height = 0.8 / len(problems)
    for index, (_kind, question) in enumerate(problems):
        values = [(question["by_region"].get(code, {}).get("critical") or {}).get("pct") or 0 for code in regions]
        positions = [row + index * height for row in range(len(regions))]
        axes.barh(positions, values, height=height, label=plain_label(question["text"][:60]))
    axes.set_yticks([row + 0.4 - height / 2 for row in range(len(regions))])
    axes.set_yticklabels([names.get(code, code) for code in regions])
    axes.invert_yaxis()
    axes.set_xlabel("% of observations where answered")
    axes.set_title("Main problems by region")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=1, frameon=False)
    return _svg(figure)


def charts_render(result: dict) -> dict[str, str]:
    """All charts of a result, by name (charts without data are left out)."""
    charts = {"assessment_by_region": assessment_by_region(result), "problems_by_region": problems_by_region(result)}
    return {name: svg for name, svg in charts.items() if svg}
