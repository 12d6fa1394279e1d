"""The compile page in headless Chromium under the embedded default: the request returns at once, the worker compiles.

A real worker (tests/workers.py: the embedded filesystem broker without REDIS_URL, as under `make run`) compiles the
run while the page, never reloaded, shows it queued, running with its progress, then done.
"""

import re
import time

import pytest
from django.urls import reverse

from reports.choices import RunStatus
from reports.models import ReportRun
from tests.browser import live_context

from .data import build_election_day

pytestmark = [pytest.mark.browser, pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

# The worker holds the first attempt this long (seconds): long enough to see the run running, as a big mission would.
HOLD = 8


@pytest.fixture
def page(live_server, monkeypatch):
    with live_context(monkeypatch, live_server) as context:
        yield context.new_page()


def test_the_analyst_compiles_and_watches_the_progress_to_completion_without_waiting(
    celery_worker_factory, page, mission, actors
):
    from playwright.sync_api import expect

    build_election_day(mission, forms=40, seed=11)
    celery_worker_factory(EOM_REPORTS_COMPILE_DELAY=str(HOLD))
    page.goto(reverse("login"))
    page.get_by_label("Username").fill("analyst")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.goto(reverse("reports:mission", args=[mission.slug]))

    started = time.monotonic()
    page.get_by_role("button", name="Compile statistics").click()
    page.wait_for_url(re.compile(r"#run-\d+$"))
    answered_in = time.monotonic() - started
    run = ReportRun.objects.get()
    assert answered_in < HOLD / 2 and not run.is_finished  # the request did not wait for the compilation
    row = page.locator(f"#run-{run.pk}")
    expect(page.get_by_text(f"Compilation {run.pk} requested.")).to_be_visible()
    page.evaluate("window.__sameDocument = true")

    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = row.locator('[data-field="status"]').inner_text()
        progress = int(row.locator('[data-field="progress"]').evaluate("element => element.value"))
        if not seen or seen[-1] != (status, progress):
            seen.append((status, progress))
        if status == "Done":
            break
        time.sleep(0.25)
    assert seen[-1] == ("Done", 100), seen
    assert any(status == "Running" and 0 < progress < 100 for status, progress in seen), seen
    assert page.evaluate("window.__sameDocument === true")  # progress came in place, the page was never reloaded
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.submissions_count > 0
    expect(row.get_by_role("link", name=str(run.pk))).to_be_visible()
