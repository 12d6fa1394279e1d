"""Benchmark: the report PDF (WeasyPrint) of a compiled mission at the demo's size and at 100,000 forms.

The statistics and charts are compiled once per size, as a report run does; only writing the PDF is timed. The
target: a few seconds at the demo's size, and at 100,000 forms within 3x the demo's time (the PDF is built from the
compiled result, so its cost should follow the questions and regions, not the forms).
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
from pathlib import Path

SCALES = {"tiny": (200, 400), "standard": (1_900, 100_000), "large": (1_900, 100_000)}


def _pages(path: Path) -> int | None:
    try:
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=False).stdout
    except OSError:
        return None
    found = re.search(r"Pages:\s+(\d+)", info)
    return int(found.group(1)) if found else None


def pdf_measure(forms: int) -> dict:
    """Compile a mission of `forms` voting forms, then time writing its PDF."""
    from bench.data import dataset_ensure
    from reports.charts import charts_render
    from reports.compile import statistics_compile
    from reports.exports import write_pdf
    from reports.models import ReportRun
    from reports.result import ReportLabels

    dataset = dataset_ensure(forms=forms)
    result = statistics_compile(mission=dataset.mission, kinds=["voting"])
    labels = ReportLabels.for_result(result, mission=dataset.mission)
    charts = charts_render(result, labels)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        started = time.perf_counter()
        write_pdf(path=path, run=ReportRun(mission=dataset.mission), result=result, labels=labels, charts=charts)
        seconds = time.perf_counter() - started
        return {
            "forms": dataset.forms,
            "seconds": round(seconds, 2),
            "pages": _pages(path),
            "bytes": path.stat().st_size,
        }


def run(scale: str = "standard") -> dict:
    """Figures for the harness: the PDF at both sizes and the larger one's time against the smaller's."""
    small, large = SCALES[scale]
    figures = {"sizes": {str(forms): pdf_measure(forms) for forms in (small, large)}}
    small_seconds, large_seconds = figures["sizes"][str(small)]["seconds"], figures["sizes"][str(large)]["seconds"]
    figures["growth"] = round(large_seconds / small_seconds, 2) if small_seconds else None
    return figures
