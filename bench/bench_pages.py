"""Pages at scale: the election-night dashboard (page and JSON), the admin's submission list and the report page,
timed with their queries counted, on missions of different sizes (10,000 and 100,000 forms; 1,000,000 too at the
large scale) so that a query count growing with the data shows up.

The report page is a compiled run of the mission's voting forms as its coordinator opens it: the run is compiled
for the benchmark (statistics and charts, as a worker stores them; the page reads neither the forms nor the files).

Requests go through the whole Django stack (middleware, URL resolution, templates) with the test client, logged in
as the mission's coordinator; each page is requested once to warm caches, once with its queries captured, then
timed over several requests (median and worst reported).
"""

from __future__ import annotations

import statistics
import time

SCALES = {
    "tiny": {"sizes": (100, 400), "repeats": 2},
    "standard": {"sizes": (10_000, 100_000), "repeats": 5},
    "large": {"sizes": (10_000, 100_000, 1_000_000), "repeats": 5},
}
# (label, URL name, what the URL takes: the mission's slug, the compiled run's id, or nothing)
PAGES = [
    ("dashboard page", "reports:dashboard", "slug"),
    ("dashboard data (JSON)", "reports:dashboard_data", "slug"),
    ("admin submission list", "admin:submissions_submission_changelist", None),
    ("report page", "reports:run", "run"),
]
TARGET_MS = 300.0


def _measure(client, url: str, repeats: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    if response.status_code != 200:
        return {"error": f"GET {url} answered {response.status_code}"}
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured.captured_queries)  # now: the next request_started signal empties the log
    timings = []
    for _ in range(repeats):
        began = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            return {"error": f"GET {url} answered {response.status_code}"}
    return {
        "url": url,
        "queries": queries,
        "median_ms": round(statistics.median(timings), 1),
        "max_ms": round(max(timings), 1),
        "bytes": len(response.content),
    }


def report_run_compiled(mission):
    """A done report run of the mission's voting forms, stored as the worker stores it (result and charts)."""
    from django.utils import timezone

    from reports.charts import charts_render_languages
    from reports.choices import RunStatus
    from reports.compile import statistics_compile
    from reports.models import ReportRun
    from reports.result import ReportLabels

    moment = timezone.now()
    run = ReportRun.objects.create(mission=mission, kinds=["voting"], cutoff=moment, started_at=moment)
    result = statistics_compile(mission=mission, kinds=["voting"], cutoff=moment, run=run)
    charts = charts_render_languages(result, ReportLabels.for_result(result, mission=mission))
    ReportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        progress=100,
        finished_at=timezone.now(),
        result=result.to_json(),
        charts=charts,
        submissions_count=result.coverage.observations_total,
    )
    run.refresh_from_db()
    return run


def run(scale: str = "standard", *, repeats: int | None = None) -> dict:
    """Time each page on each mission size; report whether they stay under 300 ms with constant query counts."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from bench.data import dataset_ensure
    from bench.settle import database_settle

    size = SCALES[scale]
    repeats = repeats or size["repeats"]
    user_model = get_user_model()
    results: dict = {"sizes": list(size["sizes"]), "pages": {}}
    for forms in size["sizes"]:
        dataset = dataset_ensure(forms=forms)
        database_settle()
        client = Client()
        client.force_login(user_model.objects.get(username=dataset.coordinator))
        report_run = report_run_compiled(dataset.mission)
        arguments = {"slug": [dataset.mission.slug], "run": [report_run.pk], None: []}
        for label, name, takes in PAGES:
            page = results["pages"].setdefault(label, {"by_size": {}})
            try:
                url = reverse(name, args=arguments[takes])
            except NoReverseMatch:
                page["not_available"] = f"no URL named {name}"
                continue
            page["by_size"][str(forms)] = _measure(client, url, repeats)
    for page in results["pages"].values():
        measured = [figures for figures in page["by_size"].values() if "error" not in figures]
        if "not_available" in page or len(measured) < len(size["sizes"]):
            continue
        largest = page["by_size"][str(max(size["sizes"]))]
        page["largest_median_ms"] = largest["median_ms"]
        page["queries"] = [figures["queries"] for figures in measured]
        page["constant_queries"] = len(set(page["queries"])) == 1
        page["under_target"] = all(
            page["by_size"][str(forms)]["median_ms"] < TARGET_MS
            for forms in size["sizes"]
            if forms >= 100_000 or forms == max(size["sizes"])
        )
    return results
