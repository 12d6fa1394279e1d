"""The report page reads well on a laptop, publishing asks first, and the PDF is a statement with its headline figures.

Regions are named so that their name order differs from their code order; every expected figure is counted here from
the forms the test created.
"""

import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from checklists.choices import FormKind, QuestionType, TemplateStatus
from reports.choices import RunStatus
from reports.models import ReportRun
from reports.services import report_run_compile, report_run_create
from tests.factories import PollingStationFactory, RegionFactory, TeamFactory, TecFactory

from .data import ASSESSMENT, add_forms, make_template

pytestmark = pytest.mark.django_db

# Code order A, B, C; name order Almaty (B), Mangystau (C), Zhambyl (A).
REGIONS = [("A", "Zhambyl"), ("B", "Almaty"), ("C", "Mangystau")]
QUESTIONS = [
    ("voters_on_list", QuestionType.INTEGER, "Voters on the list", [], [], "voters_on_list", None),
    # A yes/no question as many templates define it: no choice list, so the answers are only the codes yes and no.
    ("sealed", QuestionType.YES_NO, "Were the ballot boxes sealed?", [], [], "", None),
    ("stuffing", QuestionType.YES_NO, "Did you see ballot-box stuffing?", [], ["yes"], "", None),
    ("overall_assessment", QuestionType.SINGLE, "Overall assessment", ASSESSMENT, [], "", None),
]


@pytest.fixture
def report(mission):
    template = make_template(mission, FormKind.VOTING, 1, TemplateStatus.PUBLISHED, QUESTIONS)
    team = TeamFactory(mission=mission, code="STO-001")
    stations = {}
    for code, name in REGIONS:
        region = RegionFactory(mission=mission, code=code, name=name)
        tec = TecFactory(mission=mission, region=region)
        stations[code] = [PollingStationFactory(mission=mission, tec=tec, region=region) for _ in range(3)]
    forms = []
    for index in range(30):
        code = REGIONS[index % 3][0]
        forms.append(
            {
                "station": stations[code][index % 2],  # two of each region's three stations are observed
                "team": team,
                "urgent": index % 10 == 0,
                "answers": {
                    "voters_on_list": 900 + index,
                    "sealed": "no" if index % 4 == 0 else "yes",
                    "stuffing": "yes" if index % 7 == 0 else "no",
                    "overall_assessment": "bad" if index % 5 == 0 else "good",
                },
            }
        )
    add_forms(mission, template, forms)
    run = report_run_create(mission=mission)
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    return {"run": run, "forms": forms}


def _page(client, run):
    return client.get(reverse("reports:run", args=[run.pk])).content.decode()


def test_the_report_page_has_a_table_of_contents_and_collapsible_sections(client, report, actors):
    client.force_login(actors["analyst"])
    page = _page(client, report["run"])
    toc = re.search(r'<nav class="report-toc".*?</nav>', page, re.S).group(0)
    targets = re.findall(r'href="#([\w-]+)"', toc)
    assert {"coverage", "kind-voting", "answers-voting", "turnout", "protocol", "incidents"} <= set(targets)
    for target in targets:
        assert re.search(rf'<details[^>]* id="{target}"', page), target  # every entry leads to a collapsible section
    # The answers are closed until asked for, and each question opens on its own.
    assert re.search(r'<details class="report-section answers" id="answers-voting">', page)
    assert '<details class="question" id="q-voting-sealed">' in page


def test_regions_are_listed_in_name_order_not_code_order(client, report, actors):
    client.force_login(actors["analyst"])
    page = _page(client, report["run"])
    names_by_name = sorted(name for _code, name in REGIONS)
    assert names_by_name != [name for _code, name in sorted(REGIONS)]  # the test means something
    coverage = re.search(r'<details class="report-section" id="coverage".*?</details>', page, re.S).group(0)
    assessment = re.search(r'<details class="report-section" id="kind-voting".*?</details>', page, re.S).group(0)
    sealed = re.search(r'data-question="voting-sealed">(.*?)</table>', page, re.S).group(1)
    for section in (coverage, assessment, sealed):
        positions = [section.index(f"<td>{name}</td>") for name in names_by_name]
        assert positions == sorted(positions), section[:200]


def test_yes_no_answers_are_shown_as_words_with_region_breakdown_as_rows(client, report, actors):
    forms = report["forms"]
    sealed_yes = sum(1 for form in forms if form["answers"]["sealed"] == "yes")
    sealed_no = len(forms) - sealed_yes
    client.force_login(actors["analyst"])
    page = _page(client, report["run"])
    table = re.search(r'data-question="voting-sealed">(.*?)</table>', page, re.S).group(1)
    assert re.search(rf'<tr><td>Yes</td><td class="num">{sealed_yes}</td>', table)
    assert re.search(rf'<tr><td>No</td><td class="num">{sealed_no}</td>', table)
    assert "<td>yes</td>" not in table and "<td>no</td>" not in table
    # The regions are rows of the breakdown, with the answers as its columns.
    breakdown = re.search(r'<tbody class="breakdown">(.*?)</tbody>', table, re.S).group(1)
    assert "<th>Yes</th><th>No</th>" in breakdown
    almaty = [form for form in forms if form["station"].region.name == "Almaty"]
    almaty_yes = sum(1 for form in almaty if form["answers"]["sealed"] == "yes")
    assert re.search(
        rf'<tr><td>Almaty</td><td class="num">{len(almaty)}</td><td class="num">{almaty_yes} <small>', breakdown
    )
    # Critical answers in the incident list read as words too.
    incidents = re.search(r'data-table="incidents">(.*?)</table>', page, re.S).group(1)
    assert "Did you see ballot-box stuffing?: Yes" in incidents and ": yes" not in incidents


def test_the_xlsx_shows_yes_no_answers_as_words_too(client, report, actors):
    forms = report["forms"]
    sealed_yes = sum(1 for form in forms if form["answers"]["sealed"] == "yes")
    client.force_login(actors["analyst"])
    url = reverse("reports:run_export", args=[report["run"].pk, "xlsx"])
    workbook = load_workbook(io.BytesIO(b"".join(client.get(url).streaming_content)))
    rows = list(workbook["Voting"].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] and str(row[0]).startswith("sealed:"))
    answers = {row[1]: row[2] for row in rows[start + 1 : start + 4]}
    assert answers["Yes"] == sealed_yes and answers["No"] == len(forms) - sealed_yes
    assert "yes" not in answers and "no" not in answers


def test_yes_no_words_are_translated_for_a_russian_reader(client, report, actors):
    client.force_login(actors["analyst"])
    with translation.override(None):  # the language the request switches to stays with the request
        page = client.get(reverse("reports:run", args=[report["run"].pk]), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    table = re.search(r'data-question="voting-sealed">(.*?)</table>', page, re.S).group(1)
    assert "<td>Да</td>" in table and "<td>Нет</td>" in table


def test_publishing_asks_for_confirmation_and_an_unconfirmed_post_changes_nothing(client, report, actors):
    run = report["run"]
    url = reverse("reports:run_publish", args=[run.pk])
    client.force_login(actors["analyst"])
    before = list(ReportRun.objects.values_list("pk", "published", "published_by", "published_at"))

    asked = client.post(url)

    assert asked.status_code == 200
    page = asked.content.decode()
    assert 'name="confirm" value="publish"' in page and f'action="{url}"' in page  # a plain form: no script needed
    assert list(ReportRun.objects.values_list("pk", "published", "published_by", "published_at")) == before

    confirmed = client.post(url, {"confirm": "publish"})

    assert confirmed.status_code == 302
    run.refresh_from_db()
    assert run.published and run.published_by == actors["analyst"]


def test_an_observer_cannot_reach_the_confirmation_step(client, report, actors):
    client.force_login(actors["coordinator"])
    assert client.post(reverse("reports:run_publish", args=[report["run"].pk])).status_code == 403
    assert not ReportRun.objects.filter(published=True).exists()


# Session, user, run, memberships (access, publish, conflicts), runs to compare, and the page of the incidents list
# with the critical answers of its forms (the empty protocol list reads nothing): none per form or region.
RUN_PAGE_QUERIES = 10


def test_the_report_page_takes_a_constant_number_of_queries(client, report, actors, django_assert_num_queries):
    client.force_login(actors["analyst"])
    url = reverse("reports:run", args=[report["run"].pk])
    client.get(url)  # warm the session and the permission caches like any second visit
    with django_assert_num_queries(RUN_PAGE_QUERIES):
        assert client.get(url).status_code == 200


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")
def test_the_pdf_states_the_headline_figures_counted_from_the_forms(client, report, actors, tmp_path):
    forms = report["forms"]
    observed = len({form["station"].pk for form in forms})
    stations = sum(3 for _region in REGIONS)
    urgent = sum(1 for form in forms if form["urgent"])
    critical = sum(1 for form in forms if form["answers"]["stuffing"] == "yes")
    sealed_yes = sum(1 for form in forms if form["answers"]["sealed"] == "yes")
    client.force_login(actors["analyst"])
    pdf = tmp_path / "report.pdf"
    url = reverse("reports:run_export", args=[report["run"].pk, "pdf"])
    pdf.write_bytes(b"".join(client.get(url).streaming_content))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert re.search(rf"Total\s+{len(forms)}\s+{observed}\b", text)
    assert f"Stations observed: {observed} of {stations}" in flat
    assert f"{urgent} urgent incidents; {critical} forms with critical answers." in flat
    assert re.search(rf"Yes\s+{sealed_yes}\s", text[text.index("sealed") :])
    assert "in the XLSX export" in flat


def test_a_run_compiled_while_a_russian_reader_is_active_writes_its_files_in_the_site_language(mission, report, actors):
    english = load_workbook(report["run"].xlsx_file.path).sheetnames
    with translation.override("ru"):
        run = report_run_create(mission=mission)
        report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert load_workbook(run.xlsx_file.path).sheetnames == english
    assert "Voting" in english
