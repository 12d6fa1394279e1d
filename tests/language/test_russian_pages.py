"""A Russian session reads Russian on every page each role reaches: no English string of the product is left.

Each page is fetched in English and in Russian. Every product string (a catalogue msgid with its own Russian
translation) seen in the English page must be gone from the Russian one, and no text of the Russian page may be
plain English that the English page shows too, except the data the test created (names, codes, addresses).
"""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from incidents.services import case_open
from tests.language.english import CYRILLIC, english_left, product_part, role_pages, site_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(site):
    return role_pages(site)[0]


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
