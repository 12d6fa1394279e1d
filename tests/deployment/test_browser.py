"""The planning page in a real headless Chromium: a job's progress updates without reloading the page."""

import re

import pytest
from django.urls import reverse

from deployment.choices import JobStatus
from deployment.models import PlanningJob
from observers.choices import MemberRole
from tests.browser import live_context
from tests.deployment.builders import observer
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(live_server, monkeypatch):
    with live_context(monkeypatch, live_server) as context:
        yield context.new_page()


def test_the_coordinator_watches_a_job_progress_without_reloading(mission, page):
    from playwright.sync_api import expect

    user = UserFactory(username="coordinator")
    membership = observer(mission, "AT", role=MemberRole.CORE_TEAM)
    membership.core_function = "lto_coordinator"
    membership.save(update_fields=["core_function"])
    membership.observer.user = user
    membership.observer.save()
    job = PlanningJob.objects.create(mission=mission, kind="plan_deployment", status=JobStatus.QUEUED)

    page.goto(reverse("deployment:planning", args=[mission.slug]))
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.goto(reverse("deployment:planning", args=[mission.slug]))
    row = page.locator("tr.job").first
    expect(row.locator(".job-status")).to_have_text("Queued")

    page.evaluate("window.__sameDocument = true")
    PlanningJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, progress=40)
    expect(row.locator(".job-status")).to_have_text("Running")
    expect(row.locator(".job-progress")).to_have_text("40")
    assert page.evaluate("window.__sameDocument === true")  # updated in place, not by reloading

    PlanningJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE, progress=100)
    expect(page.locator("tr.job").first.locator(".job-status")).to_have_text("Done")
