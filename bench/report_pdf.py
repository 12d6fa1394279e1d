"""Time the PDF of a compiled run: how long writing it takes, its pages, tables and size.

    python manage.py seed_demo && python manage.py compile_report --mission kz-2019 --in-process
    python -m bench.report_pdf --mission kz-2019 --repeat 3

Uses the mission's latest finished run and the product's own writer (reports.exports.write_pdf); the run's stored
files are left as they are.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import tempfile
import time
from pathlib import Path

from bench.process import django_setup


def measure(slug: str, repeat: int) -> dict:
    from reports.charts import charts_in_language
    from reports.choices import RunStatus
    from reports.exports import write_pdf
    from reports.models import ReportRun
    from reports.result import ReportLabels

    run = ReportRun.objects.filter(mission__slug=slug, status=RunStatus.DONE).order_by("-finished_at").first()
    if run is None:
        raise SystemExit(f"No finished run for mission {slug!r}: compile one first.")
    result = run.report()
    labels = ReportLabels.for_result(result, mission=run.mission)
    charts = charts_in_language(run.charts or {}, run.mission.language)
    seconds = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        for _ in range(repeat):
            start = time.perf_counter()
            write_pdf(path=path, run=run, result=result, labels=labels, charts=charts)
            seconds.append(time.perf_counter() - start)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        pages = re.search(r"Pages:\s+(\d+)", info)
        return {
            "run": run.pk,
            "forms": run.submissions_count,
            "seconds": [round(value, 2) for value in seconds],
            "best": round(min(seconds), 2),
            "pages": int(pages.group(1)) if pages else None,
            "bytes": path.stat().st_size,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mission", default="kz-2019")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    django_setup()
    figures = measure(args.mission, args.repeat)
    print(
        f"run {figures['run']} ({figures['forms']} forms): PDF in {figures['best']} s (best of {args.repeat}: "
        f"{figures['seconds']}), {figures['pages']} pages, {figures['bytes'] / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
