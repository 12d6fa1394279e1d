"""Report runs carry the official results section: stored at the run's cut-off, on the page, in the XLSX and the PDF,
under the run's embargo."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.choices import RunStatus
from reports.models import ReportRun
from reports.services import report_run_compile, report_run_create, report_run_publish
from results.imports import results_import
from tests.factories import odihr_staff
from tests.results.builders import MAPPING, as_csv, build_cec_world, file_rows, observed_answers, record_count

pytestmark = pytest.mark.django_db

SUMMARY_KEYS = ("observed", "matching", "differing", "not_published", "not_comparable")


def _world_with_results_and_counts(mission):
    """Three stations observed at the count: one matches, one differs by 4 invalid ballots, one is not published."""
    world = build_cec_world(mission)
    keys = list(world.official)  # 0-11 AKM, 12-23 AKT, 24-35 ALA
    unpublished, matching, differing = keys[1], keys[2], keys[25]
    results_import(mission=mission, upload=as_csv(file_rows(world, leave_out={unpublished})), mapping=MAPPING)
    record_count(world, world.stations[matching], observed_answers(world.official[matching]))
    answers = observed_answers(world.official[differing])
    answers["ballots_invalid"] += 4
    record_count(world, world.stations[differing], answers)
    record_count(world, world.stations[unpublished], observed_answers(world.official[unpublished]))
    outcome = {unpublished: "not_published", matching: "matching", differing: "differing"}
    return world, outcome, (differing, answers)


def _expected(outcome, region_code=None):
    counts = dict.fromkeys(SUMMARY_KEYS, 0)
    for (code, _number), what in outcome.items():
        if region_code is None or code == region_code:
            counts["observed"] += 1
            counts[what] += 1
    return counts


def _compiled(mission, user):
    run = report_run_create(mission=mission, user=user)
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    return run


def test_a_run_stores_shows_and_exports_the_cross_check_summary_of_the_official_results(client, mission):
    world, outcome, (differing, answers) = _world_with_results_and_counts(mission)

    run = _compiled(mission, world.analyst)

    section = run.result["official_results"]
    assert section["summary"] == _expected(outcome)
    by_region = {row["code"]: {key: row[key] for key in SUMMARY_KEYS} for row in section["regions"]}
    assert by_region == {code: _expected(outcome, code) for code in world.regions}
    differences = [f for f in section["findings"] if f["kind"] == "differs_from_observers"]
    assert [(f["station"], f["line"], f["official"], f["observed"]) for f in differences] == [
        (differing[1], "ballots_invalid", world.official[differing]["ballots_invalid"], answers["ballots_invalid"])
    ]

    client.force_login(world.analyst)
    page = client.get(reverse("reports:run", args=[run.pk])).content.decode()
    assert "Official results against the observers" in page
    assert 'data-list="official"' in page
    assert f"All {len(section['findings'])} shown." in page
    expected = _expected(outcome)
    total_row = "".join(f'<td class="num">{expected[key]}</td>' for key in SUMMARY_KEYS)
    assert f"<td>All regions</td>{total_row}" in page

    workbook = load_workbook(io.BytesIO(run.xlsx_file.read()), read_only=True)
    rows = list(workbook["Official results"].iter_rows(values_only=True))
    assert rows[1] == ("All regions", *(expected[key] for key in SUMMARY_KEYS))
    finding_rows = list(workbook["Official results findings"].iter_rows(values_only=True))
    assert len(finding_rows) - 1 == len(section["findings"])
    assert run.pdf_file.size > 0


def test_the_section_is_taken_at_the_run_s_cut_off(mission):
    world, outcome, _differing = _world_with_results_and_counts(mission)
    run = report_run_create(mission=mission, user=world.analyst)
    keys = list(world.official)
    late = keys[14]
    record_count(world, world.stations[late], observed_answers(world.official[late]))
    ReportRun.objects.filter(pk=run.pk).update(cutoff=run.created_at)

    report_run_compile(run_id=run.pk)
    run.refresh_from_db()

    assert run.result["official_results"]["summary"] == _expected(outcome)


def test_odihr_staff_and_outsiders_cannot_read_the_section_of_an_unpublished_run(client, mission):
    world, _outcome, _differing = _world_with_results_and_counts(mission)
    run = _compiled(mission, world.analyst)
    staff = odihr_staff("odihr", mission)
    urls = [reverse("reports:run", args=[run.pk])] + [
        reverse("reports:run_export", args=[run.pk, fmt]) for fmt in ("xlsx", "csv", "pdf")
    ]

    for reader in (staff, world.outsider):
        client.force_login(reader)
        assert [client.get(url).status_code for url in urls] == [404, 404, 404, 404]

    report_run_publish(run=run, user=world.analyst)
    client.force_login(staff)
    assert "Official results against the observers" in client.get(urls[0]).content.decode()
    client.force_login(world.outsider)
    assert client.get(urls[0]).status_code == 404


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")
def test_the_run_s_pdf_has_a_short_official_results_section_with_the_summary(mission, tmp_path):
    world, outcome, (differing, answers) = _world_with_results_and_counts(mission)

    run = _compiled(mission, world.analyst)

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(run.pdf_file.read())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Official results against the observers' forms" in flat
    expected = _expected(outcome)
    assert "All regions " + " ".join(str(expected[key]) for key in SUMMARY_KEYS) in flat
    findings = len(run.result["official_results"]["findings"])
    assert f"All {findings} shown." in flat
