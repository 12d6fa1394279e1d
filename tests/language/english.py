"""What "no English left in a Russian page" means, shared by the server-rendered walk (Django's test client) and the
real-browser walk (Chromium): the pages each role reaches, the data a test created, and the check itself.

A page is read in English and in Russian. Every product string (a catalogue msgid with its own Russian translation)
seen in the English page must be gone from the Russian one, and no text of the Russian page may be plain English that
the English page shows too, except the data the test created (names, codes, addresses).
"""

from __future__ import annotations

import datetime
import functools
import re
from html.parser import HTMLParser

from django.urls import reverse

from tests.language.catalogue import read_catalogue

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
ENGLISH_WORDS = re.compile(r"[A-Za-z]{3,}(?:[ '’-]+[A-Za-z]{2,})+")
# Words that read the same in a Russian interface: file formats, acronyms, input patterns, and the language switch,
# which names each language in that language.
SAME_IN_RUSSIAN = {"XLSX", "CSV", "PDF", "UTC", "XLSForm", "MAD", "English"}


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


@functools.cache
def product_fragments() -> tuple[str, ...]:
    """English product strings with a Russian translation of their own, longest first, as fragments to look for."""
    fragments = set()
    for message, translations in read_catalogue().items():
        if message.msgid in (translations[0] if translations else message.msgid):
            continue
        for fragment in re.split(r"%\(\w+\)s|%%|<[^>]+>", message.msgid):
            fragment = fragment.strip(" .,:;()–—·")
            if len(fragment) >= 4 and re.search(r"[A-Za-z]{3}", fragment) and fragment not in SAME_IN_RUSSIAN:
                fragments.add(fragment)
    return tuple(sorted(fragments, key=len, reverse=True))


def english_left_in(english_nodes: list[str], russian_nodes: list[str], product_strings, data: set[str]) -> list[str]:
    """The English left in a Russian page, given both pages' text node by node (a node: a run of text, a title, a
    placeholder or a label as the reader sees it)."""
    english_text = "\n".join(english_nodes)
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


def english_left(english_page: str, russian_page: str, product_strings, data: set[str]) -> list[str]:
    """The English left in a Russian page, given both pages' HTML."""
    return english_left_in(visible_text(english_page), visible_text(russian_page), product_strings, data)


def product_part(url: str, html: str) -> str:
    """The part of a page the product writes: on admin pages, the content of the product's own admin templates
    (Django's frame around it, with the model names, is not the product's text)."""
    if url.startswith("/admin/") and '<div id="content"' in html:
        return html[html.index('<div id="content"') :].split('<div id="footer"')[0]
    return html


def site_data(site) -> set[str]:
    """What the test itself created and the pages show as it is: names, codes, addresses, usernames."""
    from missions.imports import COLUMN_ALIASES
    from missions.models import PollingStation, Region, StationImport, Tec
    from observers.models import Observer, RosterImport, Team

    mission = site.mission
    values = {mission.name, mission.slug, "Elsewhere 2020"}
    values |= set(Region.objects.filter(mission=mission).values_list("name", flat=True))
    values |= set(Tec.objects.filter(mission=mission).values_list("name", flat=True))
    values |= set(PollingStation.objects.filter(mission=mission).values_list("address", flat=True))
    values |= set(Team.objects.filter(mission=mission).values_list("code", flat=True))
    for observer in Observer.objects.all():
        values |= {observer.full_name, observer.user.username if observer.user else ""}
    # A file's column names are written as the file writes them, in every language; so are the files' names.
    values |= set(COLUMN_ALIASES)
    for model in (StationImport, RosterImport):
        for filename, outcome in model.objects.values_list("filename", "outcome"):
            values.add(filename)
            values |= {error["params"].get("column", "") for error in (outcome or {}).get("errors", [])}
    # So are an XLSForm workbook's sheet and setting names: XLSForm's own, the same in every language.
    values |= {"survey", "choices", "settings", "eom_kind"}
    return {value for value in values if value}


def role_pages(site):
    """(user, url) for every page each role reaches, with a form, an urgent case and a finished report run: the STO
    team (owner), the LTO team, the analyst, the coordinator, the head of mission and ODIHR staff following it.
    Returns the pages, the urgent form and the report run."""
    from access import system_actor
    from incidents.services import case_open
    from missions.import_jobs import station_imports, stations_import_start
    from observers.choices import MemberRole
    from observers.import_jobs import roster_import_start, roster_imports
    from reports.choices import RunStatus
    from reports.services import report_run_compile, report_run_create
    from tests.factories import MembershipFactory, ObserverFactory, UserFactory

    mission = site.mission
    slug = mission.slug
    submission = site.record("voting", payload={**site.payload("voting"), "urgent": True})
    case, _created = case_open(submission=submission)
    run = report_run_create(mission=mission, cutoff=datetime.datetime.now(datetime.UTC))
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    # An import of the station list and of the roster, each stopped by its rows' errors, as the worker left them.
    imports = []
    for start, lifecycle, text in (
        (stations_import_start, station_imports, "region,tec,number,latitude\nAkmola,AKM-1,,north\n"),
        (roster_import_start, roster_imports, "full_name,gender,nationality,email\nA B,F,XX,not-an-address\n"),
    ):
        job = start(actor=system_actor(mission), mission=mission, upload=text.encode(), filename="list.csv")
        imports.append(lifecycle.run(job_id=job.pk))
    head = UserFactory(username="head")
    MembershipFactory(
        mission=mission, observer=ObserverFactory(user=head, mission=mission), role=MemberRole.HEAD_OF_MISSION
    )
    pages = [
        (site.owner, reverse("observe:home")),
        (site.owner, reverse("observe:form_new", args=[slug, "voting"]) + f"?station={site.voting_station.pk}"),
        (site.owner, reverse("observe:form_new", args=[slug, "counting"]) + f"?station={site.voting_station.pk}"),
        (site.owner, reverse("observe:form_new", args=[slug, "opening"]) + f"?station={site.opening_station.pk}"),
        (site.owner, reverse("observe:form_new", args=[slug, "tabulation"]) + f"?tec={site.tec.pk}"),
        (site.owner, reverse("observe:submission_detail", args=[slug, submission.uuid])),
        (site.owner, reverse("observe:submission_edit", args=[slug, submission.uuid])),
        (site.owner, reverse("observe:station_search", args=[slug]) + "?q=10"),
        (site.owner, reverse("observe:offline")),
        (site.lto, reverse("observe:home")),
        (site.lto, reverse("observe:lto_area", args=[slug])),
        (site.lto, reverse("observe:team_detail", args=[slug, site.team.pk])),
        (site.lto, reverse("observe:form_new", args=[slug, "lto_weekly"])),
        (site.lto, reverse("observe:form_new", args=[slug, "meeting"])),
        (site.lto, reverse("observe:form_new", args=[slug, "incident"])),
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
        (site.coordinator, reverse("admin:missions_pollingstation_import_job", args=[imports[0].pk])),
        (site.coordinator, reverse("admin:observers_membership_import_job", args=[imports[1].pk])),
        (site.coordinator, reverse("admin:checklists_formtemplate_xlsform_import")),
        (site.coordinator, reverse("checklists:preview", args=[submission.template_id]) + "?language=ru"),
        (head, reverse("cockpit:mission", args=[slug])),
        (head, reverse("deployment:planning", args=[slug])),
        (head, reverse("reports:mission", args=[slug])),
        (head, reverse("incidents:cases", args=[slug])),
        (head, reverse("cockpit:guide")),
        # ODIHR staff following the mission: the report pages, and nothing else of it.
        (site.odihr, reverse("reports:index")),
        (site.odihr, reverse("reports:mission", args=[slug])),
    ]
    return pages, submission, run
