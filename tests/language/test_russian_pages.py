"""A Russian session reads Russian on every page each role reaches: no English string of the product is left.

Each page is fetched in English and in Russian. Every product string (a catalogue msgid with its own Russian
translation) seen in the English page must be gone from the Russian one, and no text of the Russian page may be
plain English that the English page shows too, except the data the test created (names, codes, addresses).
"""

import datetime
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from incidents.services import case_open
from observers.choices import MemberRole
from reports.choices import RunStatus
from reports.services import report_run_compile, report_run_create
from tests.factories import MembershipFactory, ObserverFactory, UserFactory
from tests.language.catalogue import read_catalogue

pytestmark = pytest.mark.django_db

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
ENGLISH_WORDS = re.compile(r"[A-Za-z]{3,}(?:[ '’-]+[A-Za-z]{2,})+")
# Words that read the same in a Russian interface: file formats, acronyms, input patterns, and the language switch,
# which names each language in that language.
SAME_IN_RUSSIAN = {"XLSX", "CSV", "PDF", "UTC", "XLSForm", "MAD", "YYYY-Www", "English"}


class _Text(HTMLParser):
    """The visible text of a page, node by node (scripts, styles and JSON data left out, and <code>: column names,
    expressions and other literals a file or a rule writes the same in every language), and its titles."""

    def __init__(self):
        super().__init__()
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template", "code"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label", "alt") and value:
                self.nodes.append(value)
            if name == "value" and tag == "input" and dict(attrs).get("type") in ("submit", "button") and value:
                self.nodes.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "code") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.nodes.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.nodes


@pytest.fixture(scope="module")
def product_strings():
    """English product strings with a Russian translation of their own, longest first, as fragments to look for."""
    fragments = set()
    for message, translations in read_catalogue().items():
        if message.msgid in (translations[0] if translations else message.msgid):
            continue
        for fragment in re.split(r"%\(\w+\)s|%%|<[^>]+>", message.msgid):
            fragment = fragment.strip(" .,:;()–—·")
            if len(fragment) >= 4 and re.search(r"[A-Za-z]{3}", fragment) and fragment not in SAME_IN_RUSSIAN:
                fragments.add(fragment)
    return sorted(fragments, key=len, reverse=True)


def english_left(english_page: str, russian_page: str, product_strings, data: set[str]) -> list[str]:
    english_text = "\n".join(visible_text(english_page))
    russian_nodes = visible_text(russian_page)
    russian_text = "\n".join(russian_nodes)
    left = []
    for fragment in product_strings:
        pattern = re.compile(r"(?<![A-Za-z])" + re.escape(fragment) + r"(?![A-Za-z])")
        seen_in_both = pattern.search(english_text) and pattern.search(russian_text)
        if seen_in_both and not any(fragment in value for value in data):
            left.append(f"product string {fragment!r}")
    for node in russian_nodes:
        if CYRILLIC.search(node) or node in data:
            continue
        for words in ENGLISH_WORDS.findall(node):
            if words in english_text and not any(words in value for value in data) and words not in SAME_IN_RUSSIAN:
                left.append(f"text {node!r}")
                break
    return left


@pytest.fixture
def pages(site):
    """(user, url) for every page each role reaches, with a form, an urgent case and a finished report run: the STO
    team (owner), the LTO team, the analyst, the coordinator, the head of mission and ODIHR staff following it."""
    mission = site.mission
    slug = mission.slug
    submission = site.record("voting", payload={**site.payload("voting"), "urgent": True})
    case, _created = case_open(submission=submission)
    run = report_run_create(mission=mission, cutoff=datetime.datetime.now(datetime.UTC))
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    head = UserFactory(username="head")
    MembershipFactory(
        mission=mission, observer=ObserverFactory(user=head, mission=mission), role=MemberRole.HEAD_OF_MISSION
    )
    return [
        (site.owner, reverse("observe:home")),
        (site.owner, reverse("observe:form_new", args=[slug, "voting"]) + f"?station={site.voting_station.pk}"),
        (site.owner, reverse("observe:form_new", args=[slug, "counting"]) + f"?station={site.voting_station.pk}"),
        (site.owner, reverse("observe:submission_detail", args=[slug, submission.uuid])),
        (site.owner, reverse("observe:station_search", args=[slug]) + "?q=10"),
        (site.owner, reverse("observe:offline")),
        (site.lto, reverse("observe:home")),
        (site.lto, reverse("observe:lto_area", args=[slug])),
        (site.lto, reverse("observe:team_detail", args=[slug, site.team.pk])),
        (site.lto, reverse("observe:form_new", args=[slug, "lto_weekly"])),
        (site.analyst, reverse("observe:incidents", args=[slug])),
        (site.analyst, reverse("cockpit:mission", args=[slug])),
        (site.analyst, reverse("cockpit:map", args=[slug])),
        (site.analyst, reverse("incidents:cases", args=[slug])),
        (site.analyst, reverse("incidents:case", args=[slug, case.pk])),
        (site.analyst, reverse("reports:index")),
        (site.analyst, reverse("reports:mission", args=[slug])),
        (site.analyst, reverse("reports:dashboard", args=[slug])),
        (site.analyst, reverse("results:mission", args=[slug])),
        (site.coordinator, reverse("deployment:planning", args=[slug])),
        (site.coordinator, reverse("admin:missions_mission_figures", args=[mission.pk])),
        (site.coordinator, reverse("admin:missions_pollingstation_import")),
        (site.coordinator, reverse("admin:observers_membership_import")),
        (site.coordinator, reverse("admin:results_resultsversion_import") + f"?mission={mission.pk}"),
        (site.coordinator, reverse("admin:checklists_formtemplate_xlsform_import")),
        (site.coordinator, reverse("checklists:preview", args=[submission.template_id]) + "?language=ru"),
        (head, reverse("cockpit:mission", args=[slug])),
        (head, reverse("deployment:planning", args=[slug])),
        (head, reverse("reports:mission", args=[slug])),
        (head, reverse("incidents:cases", args=[slug])),
        # ODIHR staff following the mission: the report pages, and nothing else of it.
        (site.odihr, reverse("reports:index")),
        (site.odihr, reverse("reports:mission", args=[slug])),
    ]


def product_part(url: str, html: str) -> str:
    """The part of a page the product writes: on admin pages, the content of the product's own admin templates
    (Django's frame around it, with the model names, is not the product's text)."""
    if url.startswith("/admin/") and '<div id="content"' in html:
        return html[html.index('<div id="content"') :].split('<div id="footer"')[0]
    return html


def site_data(site) -> set[str]:
    """What the test itself created and the pages show as it is: names, codes, addresses, usernames."""
    from missions.imports import COLUMN_ALIASES
    from missions.models import PollingStation, Region, Tec
    from observers.models import Observer, Team

    mission = site.mission
    values = {mission.name, mission.slug, "Elsewhere 2020"}
    values |= set(Region.objects.filter(mission=mission).values_list("name", flat=True))
    values |= set(Tec.objects.filter(mission=mission).values_list("name", flat=True))
    values |= set(PollingStation.objects.filter(mission=mission).values_list("address", flat=True))
    values |= set(Team.objects.filter(mission=mission).values_list("code", flat=True))
    for observer in Observer.objects.all():
        values |= {observer.full_name, observer.user.username if observer.user else ""}
    # A file's column names are written as the file writes them, in every language.
    values |= set(COLUMN_ALIASES)
    # So are an XLSForm workbook's sheet and setting names: XLSForm's own, the same in every language.
    values |= {"survey", "choices", "settings", "eom_kind"}
    return {value for value in values if value}


def test_a_russian_session_shows_no_english_on_any_page_of_any_role(client, site, pages, product_strings):
    data = site_data(site)
    problems = []
    for user, url in pages:
        client.force_login(user)
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        russian = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
        assert english.status_code == russian.status_code == 200, (url, russian.status_code)
        assert CYRILLIC.search(product_part(url, russian.content.decode())), url
        english_html, russian_html = (product_part(url, page.content.decode()) for page in (english, russian))
        for problem in english_left(english_html, russian_html, product_strings, data):
            problems.append(f"{user.username} {url}: {problem}")
    assert not problems, "\n".join(problems)


def test_the_admin_index_names_the_site_and_the_apps_in_russian(client, site):
    client.force_login(site.coordinator)
    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Вернуться на панель миссии" in page
    assert "Back to the mission cockpit" not in page
    assert "Миссия по наблюдению за выборами — координаторы" in page  # the site header
    assert "Миссии и география" in page and "Missions and geography" not in page  # the apps' names


def test_the_incident_emails_read_in_russian(site, product_strings):
    submission = site.record("voting", payload={**site.payload("voting"), "urgent": True})
    case, _created = case_open(submission=submission)
    context = {"case": case, "submission": submission, "mission": site.mission, "url": "https://example.org/"}
    digest = {"mission": site.mission, "cases": [case], "by_status": {}, "url": "https://example.org/"}
    data = site_data(site)
    for name, values in (("incidents/email_new_case.txt", context), ("incidents/email_digest.txt", digest)):
        with translation.override("en"):
            english = render_to_string(name, values)
        with translation.override("ru"):
            russian = render_to_string(name, values)
        assert CYRILLIC.search(russian)
        assert not english_left(f"<pre>{english}</pre>", f"<pre>{russian}</pre>", product_strings, data), name


def test_the_check_finds_an_english_string_left_in_a_russian_page(product_strings):
    english = "<p>No urgent incidents.</p><p>Deployment plan — Akmola</p>"
    russian = "<p>No urgent incidents.</p><p>Deployment plan — Akmola</p>"
    left = english_left(english, russian, product_strings, {"Akmola"})
    assert "product string 'No urgent incidents'" in left
    assert any("Deployment plan" in problem for problem in left)
    assert not english_left(
        english, "<p>Срочных случаев нет.</p><p>План развёртывания — Akmola</p>", product_strings, {"Akmola"}
    )


def test_the_dashboard_script_writes_its_incident_list_status_from_the_pages_messages(client, site):
    """The dashboard's script assembles no English of its own: the line under its urgent incidents comes translated."""
    client.force_login(site.analyst)
    page = client.get(reverse("reports:dashboard", args=[site.mission.slug]), HTTP_ACCEPT_LANGUAGE="ru")
    messages = json.loads(re.search(r'id="eom-messages"[^>]*>(.*?)</script>', page.content.decode(), re.S).group(1))
    assert messages["dashboard_incidents_some"].startswith("Показаны последние %(shown)s из %(total)s")
    assert messages["dashboard_incidents_all"] == "Показаны все %(total)s."
    script = (Path(settings.BASE_DIR) / "static" / "reports" / "reports.js").read_text(encoding="utf-8")
    assert "M.dashboard_incidents_some" in script and "The latest" not in script
