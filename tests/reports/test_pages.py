"""Pages, JSON endpoints and exports under named actors; the embargo; downloads read back against the page."""

import csv
import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.choices import RunStatus
from reports.models import ExportLog, ReportRun
from reports.services import report_run_compile, report_run_create, report_run_publish

pytestmark = pytest.mark.django_db

ALLOWED = ("analyst", "coordinator", "head")
DENIED = ("sto", "lto", "outsider")


@pytest.fixture
def run(mission, election_day):
    created = report_run_create(mission=mission)
    report_run_compile(run_id=created.pk)
    created.refresh_from_db()
    assert created.status == RunStatus.DONE, created.error
    return created


def urls_for(run):
    slug = run.mission.slug
    return [
        reverse("reports:index"),
        reverse("reports:mission", args=[slug]),
        reverse("reports:run", args=[run.pk]),
        reverse("reports:run_status", args=[run.pk]),
        reverse("reports:run_compare", args=[run.pk]) + f"?with={run.pk}",
        reverse("reports:dashboard", args=[slug]),
        reverse("reports:dashboard_data", args=[slug]),
    ] + [reverse("reports:run_export", args=[run.pk, fmt]) for fmt in ("xlsx", "csv", "pdf")]


def test_anonymous_visitors_are_sent_to_login_everywhere(client, run):
    for url in urls_for(run):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert client.post(reverse("reports:mission", args=[run.mission.slug])).status_code == 302
    assert client.post(reverse("reports:run_publish", args=[run.pk])).status_code == 302


@pytest.mark.parametrize("name", ALLOWED)
def test_the_core_team_sees_every_page_endpoint_and_export(client, run, actors, name):
    client.force_login(actors[name])
    for url in urls_for(run):
        response = client.get(url)
        assert response.status_code == 200, (name, url)


@pytest.mark.parametrize("name", DENIED)
def test_observers_and_outsiders_are_refused_everywhere(client, run, actors, name):
    client.force_login(actors[name])
    for url in urls_for(run)[1:]:
        response = client.get(url)
        assert response.status_code in (403, 404), (name, url)
    assert client.post(reverse("reports:mission", args=[run.mission.slug])).status_code == (
        404 if name == "outsider" else 403  # an outsider is told nothing, not even that the mission exists
    )
    assert client.post(reverse("reports:run_publish", args=[run.pk])).status_code == 404
    index = client.get(reverse("reports:index"))
    assert run.mission.name not in index.content.decode()
    assert not ExportLog.objects.exists()
    assert ReportRun.objects.count() == 1


def test_odihr_staff_see_a_run_only_after_it_is_published_and_never_personal_data(client, run, actors):
    client.force_login(actors["odihr"])
    run_url = reverse("reports:run", args=[run.pk])
    exports = [reverse("reports:run_export", args=[run.pk, fmt]) for fmt in ("xlsx", "csv", "pdf")]
    assert client.get(run_url).status_code == 404
    assert client.get(reverse("reports:run_status", args=[run.pk])).status_code == 404
    assert all(client.get(url).status_code == 404 for url in exports)
    assert (
        f"/reports/runs/{run.pk}/"
        not in client.get(reverse("reports:mission", args=[run.mission.slug])).content.decode()
    )
    assert client.get(reverse("reports:dashboard", args=[run.mission.slug])).status_code == 403
    assert client.post(reverse("reports:mission", args=[run.mission.slug])).status_code == 403

    report_run_publish(run=run, user=actors["analyst"])
    page = client.get(run_url)
    assert page.status_code == 200
    mission_page = client.get(reverse("reports:mission", args=[run.mission.slug])).content.decode()
    assert f"/reports/runs/{run.pk}/" in mission_page
    assert "Compile statistics" not in mission_page
    content = page.content.decode()
    downloads = [b"".join(client.get(url).streaming_content) for url in exports]
    from observers.models import Observer

    for observer in Observer.objects.all():
        for secret in (observer.full_name, observer.email, observer.phone, observer.passport_number):
            assert secret not in content
            assert secret.encode() not in downloads[1]
    assert "Secret interlocutor" not in content
    assert ExportLog.objects.filter(user=actors["odihr"]).count() == 3


def test_publishing_from_the_page_is_for_the_head_of_mission_or_an_analyst(client, run, actors):
    client.force_login(actors["coordinator"])
    assert "Publish" not in client.get(reverse("reports:run", args=[run.pk])).content.decode()
    assert client.post(reverse("reports:run_publish", args=[run.pk])).status_code == 403
    client.force_login(actors["analyst"])
    assert "Publish" in client.get(reverse("reports:run", args=[run.pk])).content.decode()
    response = client.post(reverse("reports:run_publish", args=[run.pk]), {"confirm": "publish"})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.published and run.published_by == actors["analyst"]


def test_requesting_a_compilation_from_the_page_queues_and_compiles_it(
    client, mission, election_day, actors, django_capture_on_commit_callbacks
):
    client.force_login(actors["analyst"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:mission", args=[mission.slug]), {"kinds": ["voting", "counting"], "region": "R1"}
        )
    assert response.status_code == 302
    run = ReportRun.objects.get()
    assert run.kinds == ["voting", "counting"] and run.region.code == "R1" and run.requested_by == actors["analyst"]
    status = client.get(reverse("reports:run_status", args=[run.pk])).json()
    assert status["status"] == "done" and status["progress"] == 100 and status["finished"]


def test_a_bad_request_from_the_page_shows_a_message_and_creates_nothing(client, mission, actors):
    client.force_login(actors["analyst"])
    response = client.post(reverse("reports:mission", args=[mission.slug]), {"kinds": ["meeting"]}, follow=True)
    assert "Unknown form kind" in response.content.decode()
    response = client.post(reverse("reports:mission", args=[mission.slug]), {"cutoff": "tomorrow"}, follow=True)
    assert "cut-off" in response.content.decode()
    assert not ReportRun.objects.exists()


def test_the_status_endpoint_reports_progress_of_a_running_run(client, mission, actors):
    run = report_run_create(mission=mission)
    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress=42)
    client.force_login(actors["coordinator"])
    data = client.get(reverse("reports:run_status", args=[run.pk])).json()
    assert (data["status"], data["progress"], data["finished"]) == ("running", 42, False)
    page = client.get(reverse("reports:run", args=[run.pk])).content.decode()
    assert f'data-run-status="/reports/runs/{run.pk}/status/"' in page


def _page_numbers(client, run):
    """Numbers as the page shows them: observations total and the voting 'box_sealed = yes' count and percentage."""
    html = client.get(reverse("reports:run", args=[run.pk])).content.decode()
    total = int(re.search(r'data-cell="observations-total">(\d+)<', html).group(1))
    table = re.search(r'data-question="voting-box_sealed">(.*?)</table>', html, re.S).group(1)
    yes_row = re.search(r"<tr><td>Yes</td><td class=\"num\">(\d+)</td><td class=\"num\">([\d.]+)</td>", table)
    return total, int(yes_row.group(1)), float(yes_row.group(2))


def test_the_xlsx_download_shows_the_numbers_of_the_page(client, run, actors):
    client.force_login(actors["analyst"])
    total, yes, yes_pct = _page_numbers(client, run)
    response = client.get(reverse("reports:run_export", args=[run.pk, "xlsx"]))
    assert response["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == [
        "Summary",
        "Opening",
        "Voting",
        "Counting",
        "Tabulation",
        "Incidents",
        "Protocol mismatches",
        "Conflicts",
        "Raw data",
    ]
    summary = list(workbook["Summary"].iter_rows(values_only=True))
    assert ("Total", total) == tuple(next(row for row in summary if len(row) > 2 and row[1] == "Total")[1:3])
    voting = list(workbook["Voting"].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(voting) if row[0] and str(row[0]).startswith("box_sealed:"))
    yes_row = next(row for row in voting[start:] if row[1] == "Yes")
    assert (yes_row[2], yes_row[3]) == (yes, yes_pct)
    raw = list(workbook["Raw data"].iter_rows(values_only=True))
    assert len(raw) - 1 == total == run.submissions_count
    header = raw[0]
    assert "remarks" in header and "notes" in header  # free text and notes as typed
    log = ExportLog.objects.get()
    assert (log.user, log.mission, log.format, log.what_text, log.rows) == (
        actors["analyst"],
        run.mission,
        "xlsx",
        f"report run {run.pk}",
        total,
    )


def test_the_csv_download_has_one_row_per_form_and_one_column_per_question(client, run, actors):
    from submissions.models import Answer

    client.force_login(actors["coordinator"])
    total, yes, _pct = _page_numbers(client, run)
    body = b"".join(client.get(reverse("reports:run_export", args=[run.pk, "csv"])).streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == total
    voting = [row for row in rows if row["kind"] == "voting"]
    assert sum(1 for row in voting if row["box_sealed"] == "yes") == yes
    chosen = {row["form"]: row["unauthorised_who"] for row in voting if ";" in row["unauthorised_who"]}
    assert chosen, "some forms chose several answers"
    form, joined = next(iter(chosen.items()))
    stored = sorted(
        Answer.objects.filter(submission_id=int(form), question_code="unauthorised_who").values_list("value", flat=True)
    )
    assert sorted(joined.removeprefix("'").split(";")) == stored
    assert ExportLog.objects.filter(format="csv").count() == 1


def test_csv_cells_never_start_a_formula_and_xlsx_text_is_text_as_typed(client, run, actors):
    from submissions.models import Submission

    client.force_login(actors["analyst"])
    body = b"".join(client.get(reverse("reports:run_export", args=[run.pk, "csv"])).streaming_content).decode()
    for delimiter in (",", ";"):
        for row in csv.reader(io.StringIO(body), delimiter=delimiter):
            for value in row:
                assert not value.lstrip(" \t\r\n").startswith(("=", "+", "-", "@")), (delimiter, value)
    assert "'=cmd" in body
    workbook = load_workbook(
        io.BytesIO(b"".join(client.get(reverse("reports:run_export", args=[run.pk, "xlsx"])).streaming_content))
    )
    formulas, texts = [], set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append((sheet.title, cell.value))
                elif isinstance(cell.value, str):
                    texts.add(cell.value)
    assert formulas == []
    typed_notes = set(Submission.objects.filter(confidential=False).exclude(notes="").values_list("notes", flat=True))
    assert "=SUM(A1:A9)" in typed_notes and "Police inside, -tension" in typed_notes
    assert typed_notes <= texts  # every note as typed, "=SUM(A1:A9)" included, never altered


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")
def test_the_pdf_download_shows_the_numbers_of_the_page(client, run, actors, tmp_path):
    client.force_login(actors["analyst"])
    total, yes, yes_pct = _page_numbers(client, run)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"".join(client.get(reverse("reports:run_export", args=[run.pk, "pdf"])).streaming_content))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Kazakhstan 2019" in text
    assert re.search(rf"Total\s+{total}\b", text)
    section = text[text.index("box_sealed") :]
    assert re.search(rf"Yes\s+{yes}\s+{yes_pct}", section)
    assert ExportLog.objects.filter(format="pdf").count() == 1


def test_an_unfinished_run_has_no_exports(client, mission, actors):
    run = report_run_create(mission=mission)
    client.force_login(actors["analyst"])
    assert client.get(reverse("reports:run_export", args=[run.pk, "xlsx"])).status_code == 404
    assert client.get(reverse("reports:run_export", args=[run.pk, "docx"])).status_code == 404
    assert not ExportLog.objects.exists()


def test_compare_page_lists_changes(client, mission, election_day, actors):
    from django.utils import timezone

    from submissions.models import Submission

    early = sorted(Submission.objects.filter(mission=mission).values_list("received_at", flat=True))[20]
    runs = [report_run_create(mission=mission, cutoff=cutoff) for cutoff in (early, timezone.now())]
    for each in runs:
        report_run_compile(run_id=each.pk)
    client.force_login(actors["analyst"])
    page = client.get(reverse("reports:run_compare", args=[runs[1].pk]) + f"?with={runs[0].pk}").content.decode()
    assert f"What changed from run {runs[0].pk} to run {runs[1].pk}" in page
    assert "box_sealed" in page
    assert "<td>Voting</td>" in page and "<td>voting</td>" not in page  # kinds worded, not their codes
    russian = client.get(
        reverse("reports:run_compare", args=[runs[1].pk]) + f"?with={runs[0].pk}", HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    assert "<td>Голосование</td>" in russian and "<td>Voting</td>" not in russian


def _dashboard_queries(client, mission, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = client.get(reverse("reports:dashboard_data", args=[mission.slug]))
    return response.json()


# The role comes from the membership alone (no query of global groups).
DASHBOARD_QUERIES = 10


@pytest.mark.parametrize("forms", [10, 120])
def test_the_dashboard_endpoint_combines_the_latest_run_with_fresh_counts_in_constant_queries(
    client, mission, actors, django_assert_num_queries, forms
):
    from .data import build_election_day

    build_election_day(mission, forms=forms, seed=forms)
    run = report_run_create(mission=mission)
    report_run_compile(run_id=run.pk)
    client.force_login(actors["coordinator"])
    data = _dashboard_queries(client, mission, django_assert_num_queries, DASHBOARD_QUERIES)
    assert data["compiled"]["run"] == run.pk
    assert data["forms_total"] == forms == sum(hour["total"] for hour in data["timeline"])
    assert sum(region["forms"] for region in data["regions"]) == forms
    from submissions.models import Submission

    assert len(data["incidents"]) == min(
        20, Submission.objects.filter(mission=mission, urgent=True, confidential=False).count()
    )


def test_the_dashboard_figures_are_those_of_the_forms_and_of_the_latest_run(client, mission, actors):
    from collections import Counter

    from checklists.choices import OBSERVATION_KINDS, FormKind
    from missions.clock import local_zone
    from submissions.models import Submission

    from .data import build_election_day

    build_election_day(mission, forms=90, seed=3)
    run = report_run_create(mission=mission)
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    client.force_login(actors["coordinator"])
    data = client.get(reverse("reports:dashboard_data", args=[mission.slug])).json()

    forms = list(Submission.objects.filter(mission=mission, kind__in=list(OBSERVATION_KINDS), confidential=False))
    zone = local_zone(mission)
    by_hour = Counter((form.received_at.astimezone(zone).strftime("%Y-%m-%d %H:00"), form.kind) for form in forms)
    expected_timeline = {}
    for (hour, kind), count in by_hour.items():
        expected_timeline.setdefault(hour, {})[kind] = count
    assert {row["hour"]: row["counts"] for row in data["timeline"]} == expected_timeline
    assert [row["hour"] for row in data["timeline"]] == sorted(expected_timeline)
    by_region = {
        row["code"]: (row["forms"], row["observed"], row["stations"]) for row in data["regions"] if row["forms"]
    }
    assert by_region == {
        region.code: (
            sum(form.region_id == region.pk for form in forms),
            len({form.polling_station_id for form in forms if form.region_id == region.pk}),
            region.polling_stations.count(),
        )
        for region in mission.regions.all()
        if any(form.region_id == region.pk for form in forms)
    }

    result = run.report()
    assert data["compiled"] == {
        "run": run.pk,
        "url": reverse("reports:run", args=[run.pk]),
        "finished_at": run.finished_at.isoformat(),
        "observations": result.coverage.observations_total,
        "negative": {kind: figures.assessment.negative.pct for kind, figures in result.kinds.items()},
        "kind_labels": {kind: str(FormKind(kind).label) for kind in result.kinds},
        "urgent": result.incidents.urgent,
        "critical": result.incidents.critical,
    }
    assert list(data["compiled"]["negative"]) == list(result.kinds)


@pytest.mark.django_db(transaction=True)  # as in production: the request is committed, then sent to the broker
def test_with_the_broker_down_the_page_says_so_and_keeps_the_request(client, mission, actors, monkeypatch):
    from kombu.exceptions import OperationalError as BrokerError

    from reports.tasks import report_compile

    def down(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(report_compile, "apply_async", down)
    client.force_login(actors["analyst"])
    response = client.post(reverse("reports:mission", args=[mission.slug]), {"kinds": ["voting"]}, follow=True)
    content = response.content.decode()
    run = ReportRun.objects.get()
    assert f"Compilation {run.pk} is saved but not started yet" in content
    assert "will be sent automatically when the queue is back" in content
    assert run.status == RunStatus.QUEUED and run.dispatched_at is None
