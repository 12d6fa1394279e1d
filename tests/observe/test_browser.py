"""The observers' site in a real headless Chromium: log in, send a planned voting form, then one without network."""

import re
import time

import pytest
from django.urls import reverse

from submissions.models import Submission
from tests.browser import live_context
from tests.observe.conftest import PASSWORD, build_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Answers every shown question the way a careful observer might: "no" where possible, the first choice otherwise,
# the lower bound for numbers; repeated because answers reveal conditional questions.
FILL_FORM = """
() => {
  const form = document.getElementById("observation-form");
  for (let round = 0; round < 20; round++) {
    let changed = false;
    for (const node of form.querySelectorAll(".question[data-question]")) {
      if (node.hidden) continue;
      const type = node.dataset.type;
      const inputs = Array.from(node.querySelectorAll("input, textarea"));
      if (["yes_no", "yes_no_na", "single", "multiple"].includes(type)) {
        if (inputs.some((input) => input.checked)) continue;
        (inputs.find((input) => input.value === "no") || inputs[0]).click();
        changed = true;
      } else if (!inputs[0].value && node.dataset.required === "1") {
        inputs[0].value = type === "integer" ? (node.dataset.min || "5") : type === "time" ? "10:30" : "Noted.";
        inputs[0].dispatchEvent(new Event("input", { bubbles: true }));
        changed = true;
      }
    }
    if (!changed) return round;
  }
  return -1;
}
"""

# A conditional question whose condition is a top-level choice question: [its code, the parent's code, a value that
# shows it].
SHOWN_IF_EXAMPLE = """
() => {
  for (const node of document.querySelectorAll(".question[data-shown-if-code]")) {
    const parent = document.querySelector(`.question[data-question="${node.dataset.shownIfCode}"]`);
    if (!parent || parent.dataset.shownIfCode || !parent.querySelector("input[type=radio]")) continue;
    return [node.dataset.question, parent.dataset.question, JSON.parse(node.dataset.shownIfValues)[0]];
  }
  return null;
}
"""

KEPT_PAGE = "(url) => caches.open('eom-pages').then((cache) => cache.match(url, { ignoreVary: true })).then((r) => !!r)"

REUSE_UUID = """
(payload) => {
  const url = document.getElementById("observation-form").dataset.submitUrl;
  const item = { uuid: payload.uuid, url: url, body: JSON.stringify(payload), title: "reused" };
  return window.EOM.enqueue(item).then(() => window.EOM.flush());
}
"""


@pytest.fixture
def browser_context(live_server, monkeypatch):
    with live_context(monkeypatch, live_server, viewport={"width": 360, "height": 740}) as context:
        yield context


def _wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return condition()


def _open_form(page, site, station):
    url = reverse("observe:form_new", args=[site.mission.slug, "voting"]) + f"?station={station.pk}"
    page.locator(f'a[href="{url}"]').first.click()
    page.wait_for_selector("#observation-form[data-ready='1']")
    form_uuid = page.get_attribute("#observation-form", "data-uuid")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", form_uuid)
    return form_uuid


def _fill(page):
    page.get_by_label("Arrival time").fill("09:10")
    page.get_by_label("Departure time").fill("09:45")
    assert page.evaluate(FILL_FORM) >= 0


def test_an_sto_sends_a_planned_voting_form_then_one_offline_that_arrives_exactly_once(mission, browser_context):
    from playwright.sync_api import expect

    site = build_site(mission)
    context = browser_context
    page = context.new_page()

    page.goto(reverse("observe:home"))
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Plan for election day")).to_be_visible()
    assert page.evaluate("navigator.serviceWorker.ready.then((registration) => !!registration.active)")

    # 1. Online: the first planned voting visit.
    first_uuid = _open_form(page, site, site.opening_station)
    # "Shown only if" applies live: answering the earlier question reveals the conditional one, and hides it again.
    code, parent, trigger = page.evaluate(SHOWN_IF_EXAMPLE)
    conditional = page.locator(f'.question[data-question="{code}"]')
    expect(conditional).to_be_hidden()
    page.locator(f'.question[data-question="{parent}"] input[value="{trigger}"]').check()
    expect(conditional).to_be_visible()
    other = page.locator(f'.question[data-question="{parent}"] input:not([value="{trigger}"])').first
    other.check()
    expect(conditional).to_be_hidden()
    page.get_by_role("button", name="Send form").click()
    expect(page.locator("#form-errors")).to_be_visible()  # required answers missing: nothing is sent
    assert not Submission.objects.filter(uuid=first_uuid).exists()
    _fill(page)
    page.get_by_label("Notes (what you saw, in your own words)").fill("Orderly, short queue.")
    page.get_by_role("button", name="Send form").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(f'tr[data-uuid="{first_uuid}"]')).to_be_visible()
    assert Submission.objects.filter(uuid=first_uuid).count() == 1

    # 2. Offline: the plan's pages come from the device, and the second voting visit waits there to be sent.
    second_url = reverse("observe:form_new", args=[site.mission.slug, "voting"]) + f"?station={site.voting_station.pk}"
    assert _wait_for(lambda: page.evaluate(KEPT_PAGE, second_url), timeout=20)
    context.set_offline(True)
    page.goto(reverse("observe:home"))
    expect(page.get_by_role("heading", name="Plan for election day")).to_be_visible()
    second_uuid = _open_form(page, site, site.voting_station)
    assert second_uuid != first_uuid
    _fill(page)
    page.get_by_role("button", name="Send form").click()
    expect(page.locator("#queue-banner")).to_be_visible()
    expect(page.locator("#queue-text")).to_contain_text("1 form waiting to send")
    expect(page.locator("#form-status")).to_contain_text("kept on this device")
    assert Submission.objects.filter(uuid=second_uuid).count() == 0

    # 3. The network returns: the queue drains and the form arrives exactly once.
    context.set_offline(False)
    expect(page.locator("#queue-banner")).to_be_hidden(timeout=45000)
    assert _wait_for(lambda: Submission.objects.filter(uuid=second_uuid).exists())
    assert Submission.objects.filter(uuid=second_uuid).count() == 1
    assert Submission.objects.filter(uuid=first_uuid).count() == 1
    remaining = page.evaluate("window.EOM.outbox.all().then((items) => items.length)")
    assert remaining == 0

    # 4. A kept form the server refuses (its UUID reused with other content: 409) stays on the device for attention.
    stored = Submission.objects.get(uuid=first_uuid).payload
    reused = {**{key: stored[key] for key in ("template", "polling_station", "answers")}, "uuid": first_uuid}
    page.evaluate(REUSE_UUID, {**reused, "notes": "Other content under the same identifier."})
    expect(page.locator("#queue-text")).to_contain_text("1 form needs attention")
    assert page.evaluate("window.EOM.outbox.all().then((items) => items.map((item) => item.status))") == [409]
    assert Submission.objects.get(uuid=first_uuid).notes == "Orderly, short queue."


def test_the_urgent_incidents_page_shows_a_new_incident_without_reloading(mission, browser_context):
    from playwright.sync_api import expect

    site = build_site(mission)
    site.record("voting", payload={**site.payload("voting"), "urgent": True, "notes": "Campaign posters inside"})
    page = browser_context.new_page()
    page.clock.install()
    page.goto(reverse("login"))
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(reverse("observe:incidents", args=[site.mission.slug]))
    expect(page.locator("#incidents-body")).to_contain_text("Campaign posters inside")
    page.evaluate("document.body.dataset.sameDocument = 'yes'")

    site.record(
        "voting",
        station=site.voting_station,
        payload={**site.payload("voting", station=site.voting_station), "urgent": True, "notes": "Observer expelled"},
    )
    expect(page.locator("#incidents-body")).not_to_contain_text("Observer expelled")
    page.clock.run_for(31000)
    expect(page.locator("#incidents-body tr").first).to_contain_text("Observer expelled")
    expect(page.locator("#incidents-body")).to_contain_text("Campaign posters inside")
    assert page.evaluate("document.body.dataset.sameDocument") == "yes"


def test_server_validation_messages_appear_next_to_their_fields(mission, browser_context):
    import json

    from playwright.sync_api import expect

    site = build_site(mission)
    page = browser_context.new_page()
    page.goto(reverse("login"))
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    first_uuid = _open_form(page, site, site.opening_station)
    _fill(page)
    code = page.get_attribute(".question[data-required='1'][data-type='integer']", "data-question")
    errors = {code: ["The server refused this figure."], "template": ["This checklist version is retired."]}
    page.route(
        re.compile(r".*/submissions/$"),
        lambda route: route.fulfill(
            status=400,
            content_type="application/json",
            body=json.dumps({"detail": "Please correct the marked answers.", "errors": errors}),
        ),
    )
    page.get_by_role("button", name="Send form").click()
    expect(page.locator(f"#e-{code}")).to_have_text("The server refused this figure.")
    expect(page.locator(f"#f-{code}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#form-errors")).to_contain_text("This checklist version is retired.")
    expect(page.get_by_role("button", name="Send form")).to_be_enabled()
    assert page.evaluate("window.EOM.outbox.all().then((items) => items.length)") == 0
    assert not Submission.objects.filter(uuid=first_uuid).exists()
