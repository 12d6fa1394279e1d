"""Every page each role reaches, in headless Chromium with a Russian browser, reads Russian once its scripts ran.

The walk opens each page of tests/language/english.py (role_pages) as its user, in an English and a Russian browser,
and reads what the reader sees after the scripts ran (the page's text, its titles, placeholders and labels, and the
questions the browser asks), then applies the same check as the server-rendered walk (english_left_in). On the
observers' site it also steps through a form's screens as an observer meets them: the answers missing, a draft
restored, leaving a changed form, the protocol check of a count, a form received, a form kept on the device while
offline with the waiting banner on every page, the queue sent, and a form that needs attention.
"""

from __future__ import annotations

import re
import subprocess
import threading
from collections import defaultdict

import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve, reverse

from submissions.models import Submission
from tests.browser import chromium
from tests.language.english import CYRILLIC, english_left_in, product_fragments, role_pages, site_data
from tests.observe.test_browser import FILL_FORM, KEPT_PAGE, REUSE_UUID

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the reader sees of a page (or of its part `root`): its title, its text as laid out, line by line and cell by
# cell (hidden parts left out), and the titles, placeholders, labels and button values of its elements. <code> holds
# literals (column names, expressions) written the same in every language: returned apart, as data.
READ = """
(root) => {
  const node = document.querySelector(root) || document.body;
  const nodes = [];
  if (root === "body" && document.title.trim()) nodes.push(document.title.trim());
  for (const line of node.innerText.split(/[\\n\\t]/)) {
    const text = line.replace(/\\s+/g, " ").trim();
    if (text) nodes.push(text);
  }
  const named = "[title], [placeholder], [aria-label], img[alt], input[type=submit], input[type=button]";
  for (const element of node.querySelectorAll(named)) {
    for (const name of ["title", "placeholder", "aria-label", "alt"]) {
      const value = element.getAttribute(name);
      if (value && value.trim()) nodes.push(value.trim());
    }
    if (element.tagName === "INPUT" && ["submit", "button"].includes(element.type) && element.value) {
      nodes.push(element.value);
    }
  }
  const literals = Array.from(node.querySelectorAll("code"), (code) => code.innerText.trim()).filter(Boolean);
  return { nodes: nodes, literals: literals };
}
"""

# A page is read once its scripts wrote what they write: the form is ready, the map drew its data, the dashboard
# filled its tables.
SETTLED = """
() => {
  const form = document.getElementById("observation-form");
  if (form && form.dataset.ready !== "1") return false;
  for (const map of document.querySelectorAll("[data-map]")) {
    if (!["ready", "error", "empty"].includes(map.dataset.state)) return false;
  }
  const dashboard = document.getElementById("dashboard");
  if (dashboard && !dashboard.querySelector('[data-field="updated"]').textContent.trim()) return false;
  return true;
}
"""

# The count's protocol figures, which do not add up: the protocol check lists the mismatches.
PROTOCOL_MISMATCH = """
() => {
  for (const node of document.querySelectorAll(".question[data-protocol][data-shown-if-code]")) {
    const value = JSON.parse(node.dataset.shownIfValues)[0];
    const parent = `.question[data-question="${node.dataset.shownIfCode}"] input[value="${value}"]`;
    const choice = document.querySelector(parent);
    if (choice && !choice.checked) choice.click();
  }
  for (const node of document.querySelectorAll(".question[data-protocol]")) {
    const input = node.querySelector("input");
    input.value = node.dataset.protocol === "ballots_received" ? "100" : "7";
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }
}
"""


@pytest.fixture
def one_request_at_a_time(live_server):
    """The test server answers one request at a time. With SQLite in memory its threads share one connection, and
    pages that send several requests at once (the dashboard, the map, the service worker keeping the plan's pages)
    can hang it; the walk needs those requests, so they wait for each other instead of being dropped."""
    server = live_server.thread.httpd
    application = server.get_app()
    lock = threading.Lock()

    def serialised(environ, start_response):
        with lock:
            response = application(environ, start_response)
            try:
                body = b"".join(response)
            finally:
                if hasattr(response, "close"):
                    response.close()
        return [body]

    server.set_app(serialised)
    yield live_server
    server.set_app(application)


@pytest.fixture
def browser(one_request_at_a_time, monkeypatch):
    with chromium(monkeypatch) as browser:
        yield browser


class Session:
    """One person's browser in one language, logged in; what it read, by step, and the questions it was asked."""

    def __init__(self, browser, server, user, locale):
        self.context = browser.new_context(
            base_url=server.url, locale=locale, viewport={"width": 1280, "height": 900}, service_workers="allow"
        )
        self.context.set_default_timeout(20000)
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": server.url}])
        self.page = self.context.new_page()
        self.read_by_step: dict[str, dict] = {}
        self.dialogs: list[str] = []
        self.accept_dialogs = False
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        if dialog.type == "beforeunload":  # the browser's own question, in the browser's language
            dialog.accept()
            return
        self.dialogs.append(dialog.message)
        if self.accept_dialogs:
            dialog.accept()
        else:
            dialog.dismiss()

    def settle(self):
        self.page.wait_for_load_state("networkidle")
        self.page.wait_for_function(SETTLED)

    def visit(self, url, step=None):
        self.page.goto(url)
        self.settle()
        self.read(step or url, root="#content" if url.startswith("/admin/") else "body")

    def read(self, step, root="body"):
        # The waiting banner's list of forms is folded: unfold it to read it too.
        self.page.evaluate("() => { const d = document.getElementById('queue-details'); if (d) d.open = true; }")
        self.read_by_step[step] = self.page.evaluate(READ, root)

    def close(self):
        self.context.close()


def english_left_by_step(english: Session, russian: Session, data: set[str]) -> list[str]:
    assert list(english.read_by_step) == list(russian.read_by_step)
    problems = []
    strings = product_fragments()
    for step, seen in russian.read_by_step.items():
        in_english = english.read_by_step[step]
        literals = set(seen["literals"]) | set(in_english["literals"])
        if not any(CYRILLIC.search(node) for node in seen["nodes"]):
            problems.append(f"{step}: no Russian at all")
        for problem in english_left_in(in_english["nodes"], seen["nodes"], strings, data | literals):
            problems.append(f"{step}: {problem}")
    assert len(english.dialogs) == len(russian.dialogs), (english.dialogs, russian.dialogs)
    for problem in english_left_in(english.dialogs, russian.dialogs, strings, data):
        problems.append(f"questions asked: {problem}")
    for question in russian.dialogs:
        if not CYRILLIC.search(question):
            problems.append(f"questions asked: {question!r}")
    return problems


def observer_walk(session: Session, site, pages, sent):
    """An STO's day on the observers' site: each page, then a form's screens as the observer meets them."""
    from playwright.sync_api import expect

    page = session.page
    slug = site.mission.slug
    voting = reverse("observe:form_new", args=[slug, "voting"]) + f"?station={site.voting_station.pk}"
    counting = reverse("observe:form_new", args=[slug, "counting"]) + f"?station={site.voting_station.pk}"
    home = reverse("observe:home")
    for url in pages:
        session.visit(url)

    # Sending with answers missing: the summary at the top and a message at each field.
    session.visit(voting, "voting form")
    page.locator("#observation-form button[type=submit]").click()
    expect(page.locator("#form-errors")).to_be_visible()
    session.read("voting form: answers missing")

    # A started form is kept as a draft and restored; leaving it asks first; discarding the draft asks first.
    page.locator("#f-arrival_time").fill("09:10")
    page.wait_for_function("() => Object.keys(localStorage).some((key) => key.startsWith('eom-draft:'))")
    page.reload()
    session.settle()
    expect(page.locator("#draft-note")).to_be_visible()
    session.read("voting form: draft restored")
    with page.expect_event("dialog"):
        page.locator(".breadcrumbs a").first.click()
    session.accept_dialogs = True
    with page.expect_event("dialog"):
        page.locator("#draft-discard").click()
    session.settle()
    session.accept_dialogs = False
    expect(page.locator("#draft-note")).to_be_hidden()

    # A count: the protocol check under the figures, then the form received.
    session.visit(counting, "counting form")
    page.locator("#f-arrival_time").fill("20:10")
    page.locator("#f-departure_time").fill("23:45")
    assert page.evaluate(FILL_FORM) >= 0
    page.evaluate(PROTOCOL_MISMATCH)
    assert page.evaluate(FILL_FORM) >= 0
    expect(page.locator("#protocol-issues li").first).to_be_visible()
    session.read("counting form: protocol check")
    page.locator("#observation-form button[type=submit]").click()
    page.wait_for_url(f"**{home}")
    session.settle()
    expect(page.locator("#confirmation")).to_be_visible()
    session.read("home: form received")

    # Without network: the form is kept on the device, and the waiting banner follows the observer.
    page.wait_for_function(KEPT_PAGE, arg=voting)
    session.context.set_offline(True)
    page.goto(voting)
    page.wait_for_function(SETTLED)
    page.locator("#f-arrival_time").fill("09:10")
    page.locator("#f-departure_time").fill("09:45")
    assert page.evaluate(FILL_FORM) >= 0
    page.locator("#observation-form button[type=submit]").click()
    expect(page.locator("#queue-banner")).to_be_visible()
    expect(page.locator("#form-status a")).to_be_visible()
    session.read("voting form: kept on the device")
    page.goto(home)
    page.wait_for_function(SETTLED)
    expect(page.locator("#queue-banner")).to_be_visible()
    session.read("home offline: forms waiting")

    # The network returns: the queue is sent.
    session.context.set_offline(False)
    expect(page.locator("#queue-banner")).to_be_hidden(timeout=45000)
    session.read("home: queue sent")

    # A kept form the server refuses (its identifier reused with other content) needs attention; discarding it asks.
    page.goto(voting)
    session.settle()
    page.evaluate(REUSE_UUID, sent)
    expect(page.locator("#queue-attention button")).to_be_visible()
    session.read("voting form: a form needs attention")
    with page.expect_event("dialog"):
        page.locator("#queue-attention button").first.click()


def test_the_observers_site_reads_russian_in_a_russian_browser_on_every_screen(browser, live_server, site):
    pages, submission, _run = role_pages(site)
    observers_pages = defaultdict(list)
    for user, url in pages:
        if resolve(url.split("?")[0]).namespace == "observe":
            observers_pages[user].append(url)
    stored = Submission.objects.get(pk=submission.pk).payload
    sent = {
        **{key: stored[key] for key in ("template", "polling_station", "answers")},
        "uuid": str(submission.uuid),
        "notes": "Other content under the same identifier.",
    }
    data = site_data(site)
    problems = []
    for user, urls in observers_pages.items():
        english, russian = (Session(browser, live_server, user, locale) for locale in ("en-GB", "ru-RU"))
        try:
            for session in (english, russian):
                if user == site.owner:
                    observer_walk(session, site, urls, sent)
                else:
                    for url in urls:
                        session.visit(url)
            problems += [f"{user.username} {problem}" for problem in english_left_by_step(english, russian, data)]
        finally:
            english.close()
            russian.close()
    assert not problems, "\n".join(problems)


def pdf_lines(body: bytes, folder, codes: set[str]) -> list[str]:
    """A PDF's text line by line, without the question codes its tables print before each question (identifiers,
    the same in every language)."""
    path = folder / "report.pdf"
    path.write_bytes(body)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    lines = (" ".join(word for word in line.split() if word not in codes) for line in text.splitlines())
    return [line for line in lines if line]


def test_every_other_page_of_each_role_reads_russian_in_a_russian_browser(browser, live_server, site, tmp_path):
    from checklists.models import Question
    from deployment.choices import JobKind
    from deployment.models import PlanningJob
    from jobs.lifecycle import BROKER_DOWN_MESSAGE
    from reports.choices import RunStatus
    from reports.services import report_run_compile, report_run_create

    pages, _submission, run = role_pages(site)
    head = next(user for user, url in pages if user.username == "head")
    pages += [
        (site.analyst, reverse("reports:run", args=[run.pk])),
        (head, reverse("reports:run", args=[run.pk])),
    ]
    # A planning job still waiting for its queue: the planning page's script follows it and writes its state.
    PlanningJob.objects.create(mission=site.mission, kind=JobKind.FORM_TEAMS, dispatch_error=BROKER_DOWN_MESSAGE)
    # The report's PDF is written in the mission's working language: one run in each.
    pdfs = {}
    for language in ("en", "ru"):
        site.mission.language = language
        site.mission.save(update_fields=["language"])
        compiled = report_run_create(mission=site.mission)
        report_run_compile(run_id=compiled.pk)
        compiled.refresh_from_db()
        assert compiled.status == RunStatus.DONE, compiled.error
        pdfs[language] = reverse("reports:run_export", args=[compiled.pk, "pdf"])
    by_user = defaultdict(list)
    for user, url in pages:
        if resolve(url.split("?")[0]).namespace != "observe":
            by_user[user].append(url)
    codes = set(Question.objects.values_list("code", flat=True))
    planning = reverse("deployment:planning", args=[site.mission.slug])
    publish = reverse("reports:run_publish", args=[run.pk])
    data = site_data(site)
    problems = []
    for user, urls in by_user.items():
        english, russian = (Session(browser, live_server, user, locale) for locale in ("en-GB", "ru-RU"))
        try:
            for session in (english, russian):
                for url in urls:
                    if url != planning:
                        session.visit(url)
                        continue
                    # Read once the script wrote what the job's status says.
                    with session.page.expect_response(re.compile(r"/jobs/\d+/$")):
                        session.page.goto(url)
                    session.settle()
                    session.read(url)
                if user == head:
                    # Publishing asks first, on a page of its own.
                    session.page.goto(reverse("reports:run", args=[run.pk]))
                    session.page.locator(f'form[action="{publish}"] [type=submit]').click()
                    session.page.wait_for_url(f"**{publish}")
                    session.settle()
                    session.read("report: publish asks first")
            problems += [f"{user.username} {problem}" for problem in english_left_by_step(english, russian, data)]
            if user == site.analyst:
                lines = {}
                for language, session in (("en", english), ("ru", russian)):
                    response = session.context.request.get(pdfs[language])
                    assert response.ok, pdfs[language]
                    lines[language] = pdf_lines(response.body(), tmp_path, codes)
                assert any(CYRILLIC.search(line) for line in lines["ru"])
                left = english_left_in(lines["en"], lines["ru"], product_fragments(), data)
                problems += [f"the report's PDF: {problem}" for problem in left]
        finally:
            english.close()
            russian.close()
    assert not problems, "\n".join(problems)
