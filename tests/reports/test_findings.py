"""Findings that hold up: exact rounding, integer figures, turnout, TECs, teams per region, raw data as typed.

Every expected figure is computed here from the forms the test created, never by the product's own functions.
"""

import csv
import io
import re
import shutil
import subprocess
from fractions import Fraction

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from checklists.choices import FormKind, QuestionType, TemplateStatus
from deployment.models import TeamAssignment
from observers.choices import TeamKind
from reports.choices import RunStatus
from reports.compile import TURNOUT_CONVENTION, statistics_compile
from reports.services import report_run_compile, report_run_create
from tests.factories import PollingStationFactory, RegionFactory, TeamFactory, TecFactory

from . import expected
from .data import VOTING_V2, YES_NO, add_forms, make_template

pytestmark = pytest.mark.django_db

TABULATION_V1 = [
    ("protocols_checked", QuestionType.YES_NO, "Were protocols checked for arithmetic?", YES_NO, [], "", None),
]


def _place(mission, code, stations=4):
    region = RegionFactory(mission=mission, code=code, name=f"Oblast {code}")
    tec = TecFactory(mission=mission, region=region)
    return region, [PollingStationFactory(mission=mission, tec=tec, region=region) for _ in range(stations)]


@pytest.fixture
def voting(mission):
    return make_template(mission, FormKind.VOTING, 1, TemplateStatus.PUBLISHED, VOTING_V2)


def _voting_form(station, team, **answers):
    base = {
        "voters_on_list": 1000,
        "voters_voted": 400,
        "box_sealed": "yes",
        "secrecy": "yes",
        "unauthorised": None,
        "ids_checked": "always",
        "stuffing": "no",
        "remarks": "calm",
        "overall_assessment": "good",
    }
    return {"station": station, "team": team, "answers": {**base, **answers}}


@pytest.fixture
def rounding_forms(mission, voting):
    """336 voting forms: boxes sealed in 273; unauthorised 70 of 224; stuffing 5/16 and 1/16 by region."""
    team = TeamFactory(mission=mission, code="STO-001")
    (first, first_stations), (second, second_stations), (_third, third_stations) = (
        _place(mission, code) for code in ("A", "B", "C")
    )
    forms = []
    for index in range(16):
        forms.append(_voting_form(first_stations[index % 4], team, stuffing="yes" if index < 5 else "no"))
        forms.append(_voting_form(second_stations[index % 4], team, stuffing="yes" if index < 1 else "no"))
    for index in range(336 - 32):
        forms.append(_voting_form(third_stations[index % 4], team))
    for index, form in enumerate(forms):
        form["answers"]["voters_on_list"] = 500 + 7 * index + index % 3  # distinct, so median and range say something
        form["answers"]["box_sealed"] = "yes" if index < 273 else "no"
        if index < 224:
            form["answers"]["unauthorised"] = "yes" if index < 70 else "no"
    add_forms(mission, voting, forms)
    return {"first": first, "second": second, "forms": forms}


def _question(result, code):
    return next(q for q in result["kinds"]["voting"]["questions"] if q["code"] == code)


def _value(cell, value):
    return next(v for v in cell["values"] if v["value"] == value)


def test_percentages_and_intervals_round_half_up_from_exact_counts(mission, rounding_forms):
    forms = rounding_forms["forms"]
    sealed = sum(1 for form in forms if form["answers"]["box_sealed"] == "yes")
    answered = [form for form in forms if form["answers"]["unauthorised"] is not None]
    present = sum(1 for form in answered if form["answers"]["unauthorised"] == "yes")
    region_a = [form for form in forms if form["station"].region == rounding_forms["first"]]
    region_b = [form for form in forms if form["station"].region == rounding_forms["second"]]
    stuffed_a = sum(1 for form in region_a if form["answers"]["stuffing"] == "yes")
    stuffed_b = sum(1 for form in region_b if form["answers"]["stuffing"] == "yes")
    assert (sealed, len(forms), present, len(answered)) == (273, 336, 70, 224)
    assert (stuffed_a, len(region_a), stuffed_b, len(region_b)) == (5, 16, 1, 16)

    result = statistics_compile(mission=mission, kinds=["voting"]).to_json()
    box_yes = _value(_question(result, "box_sealed"), "yes")
    assert (box_yes["count"], box_yes["n"], box_yes["pct"]) == (273, 336, 81.3)
    assert box_yes["ci"] == expected.ci(273, 336)
    assert _value(_question(result, "unauthorised"), "yes")["pct"] == 31.3
    stuffing = _question(result, "stuffing")["by_region"]
    assert _value(stuffing["A"], "yes")["pct"] == 31.3 == expected.pct(stuffed_a, len(region_a))
    assert _value(stuffing["B"], "yes")["pct"] == 6.3 == expected.pct(stuffed_b, len(region_b))
    assert _value(stuffing["A"], "yes")["ci"] == expected.ci(5, 16)
    assert _question(result, "stuffing")["by_region"]["A"]["critical"]["pct"] == 31.3


def _run(mission, **filters):
    run = report_run_create(mission=mission, **filters)
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    return run


def _download(client, run, fmt):
    return b"".join(client.get(reverse("reports:run_export", args=[run.pk, fmt])).streaming_content)


def _pdf_text(client, run, tmp_path):
    pdf = tmp_path / f"run{run.pk}.pdf"
    pdf.write_bytes(_download(client, run, "pdf"))
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")
def test_the_page_xlsx_and_pdf_show_the_same_half_up_figures_and_integer_summaries(
    client, mission, rounding_forms, actors, tmp_path
):
    numbers = sorted(form["answers"]["voters_on_list"] for form in rounding_forms["forms"])
    middle = len(numbers) // 2
    median = expected.median(numbers)
    assert len(numbers) % 2 == 0 and median == float(Fraction(numbers[middle - 1] + numbers[middle], 2))
    mean = expected.mean(sum(numbers), len(numbers))

    run = _run(mission, kinds=["voting"])
    client.force_login(actors["analyst"])
    html = client.get(reverse("reports:run", args=[run.pk])).content.decode()
    table = re.search(r'data-question="voting-box_sealed">(.*?)</table>', html, re.S).group(1)
    assert re.search(r"<td>Yes</td><td class=\"num\">273</td><td class=\"num\">81.3</td>", table)
    low, high = expected.ci(273, 336)
    assert f"{low}–{high}" in table
    russian = client.get(reverse("reports:run", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    russian_table = re.search(r'data-question="voting-box_sealed">(.*?)</table>', russian, re.S).group(1)
    # The interval is written as the page's other figures are: with a decimal comma in Russian.
    assert re.search(r"<td class=\"num\">81,3</td>", russian_table)
    assert f"{low}–{high}".replace(".", ",") in russian_table
    stuffing = re.search(r'data-question="voting-stuffing">(.*?)</table>', html, re.S).group(1)
    assert "5 <small>(31.3%)</small>" in stuffing and "1 <small>(6.3%)</small>" in stuffing
    integers = re.search(r'data-question="voting-voters_on_list">(.*?)</table>', html, re.S).group(1)
    shown = dict(re.findall(r'data-figure="(\w+)">([^<]*)<', integers))
    assert shown == {
        "n": str(len(numbers)),
        "sum": str(sum(numbers)),
        "mean": str(mean),
        "median": str(median),
        "range": f"{numbers[0]}–{numbers[-1]}",
    }

    workbook = load_workbook(io.BytesIO(_download(client, run, "xlsx")))
    rows = list(workbook["Voting"].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] and str(row[0]).startswith("box_sealed:"))
    yes_row = next(row for row in rows[start:] if row[1] == "Yes")
    assert (yes_row[2], yes_row[3]) == (273, 81.3)
    start = next(i for i, row in enumerate(rows) if row[0] and str(row[0]).startswith("voters_on_list:"))
    figures = {row[1]: row[2] for row in rows[start + 1 : start + 10] if row[1]}
    assert (figures["n (answered)"], figures["sum"], figures["mean"], figures["median"]) == (
        len(numbers),
        sum(numbers),
        mean,
        median,
    )
    assert (figures["minimum"], figures["maximum"]) == (numbers[0], numbers[-1])

    text = _pdf_text(client, run, tmp_path)
    section = text[text.index("box_sealed") :]
    assert re.search(r"Yes\s+273\s+81\.3", section)
    integer_section = text[text.index("voters_on_list") :]
    row = rf"{len(numbers)}\s+{sum(numbers)}\s+{mean}\s+{median}\s+{numbers[0]}–{numbers[-1]}"
    assert re.search(row, integer_section)


def test_turnout_says_its_convention_and_counts_forms_with_no_voters_on_the_list(mission, voting):
    team = TeamFactory(mission=mission, code="STO-001")
    _region, stations = _place(mission, "A")
    figures = [(1000, 400), (800, 200), (0, 0), (0, 35), (1200, None), (None, 100), (600, 600)]
    add_forms(
        mission,
        voting,
        [
            _voting_form(stations[index % 4], team, voters_on_list=on_list, voters_voted=voted)
            for index, (on_list, voted) in enumerate(figures)
        ],
    )
    counted = [(on_list, voted) for on_list, voted in figures if on_list and voted is not None]
    zero = sum(1 for on_list, _voted in figures if on_list == 0)
    lacking = len(figures) - len(counted) - zero
    voted_total = sum(voted for _on_list, voted in counted)
    on_list_total = sum(on_list for on_list, _voted in counted)

    turnout = statistics_compile(mission=mission, kinds=["voting"]).to_json()["turnout"]
    assert (turnout["forms"], turnout["voters_voted"], turnout["voters_on_list"]) == (
        len(counted),
        voted_total,
        on_list_total,
    )
    assert turnout["pct"] == expected.pct(voted_total, on_list_total)
    assert (turnout["on_list_zero"], turnout["incomplete"]) == (zero, lacking) == (2, 2)
    assert "above zero" in str(TURNOUT_CONVENTION) and "not in n" in str(TURNOUT_CONVENTION)


def test_integer_questions_have_n_sum_mean_median_and_range(mission, voting):
    team = TeamFactory(mission=mission, code="STO-001")
    _region, stations = _place(mission, "A")
    numbers = [17, 3, 3, 250, 41, 8, 99]
    add_forms(mission, voting, [_voting_form(stations[0], team, voters_voted=number) for number in numbers])
    question = _question(statistics_compile(mission=mission, kinds=["voting"]).to_json(), "voters_voted")
    assert (question["n"], question["sum"], question["mean"]) == (
        len(numbers),
        sum(numbers),
        expected.mean(sum(numbers), len(numbers)),
    )
    assert (question["median"], question["min"], question["max"]) == (17.0, 3, 250)


def test_tabulation_counts_distinct_tecs_and_no_stations(mission):
    template = make_template(mission, FormKind.TABULATION, 1, TemplateStatus.PUBLISHED, TABULATION_V1)
    team = TeamFactory(mission=mission, code="STO-001")
    region = RegionFactory(mission=mission, code="A")
    tecs = [TecFactory(mission=mission, region=region) for _ in range(3)]
    visited = [tecs[0], tecs[1], tecs[1], tecs[2], tecs[0]]
    add_forms(
        mission,
        template,
        [{"tec": tec, "team": team, "answers": {"protocols_checked": "yes"}} for tec in visited],
    )
    tabulation = statistics_compile(mission=mission, kinds=["tabulation"]).to_json()["kinds"]["tabulation"]
    assert (tabulation["observations"], tabulation["tecs"], tabulation["stations"]) == (
        len(visited),
        len({tec.pk for tec in visited}),
        None,
    )
    assert tabulation["by_region"]["A"]["tecs"] == 3


def test_a_region_report_counts_only_the_teams_deployed_in_that_region(mission, voting):
    lto = TeamFactory(mission=mission, kind=TeamKind.LTO, code="LTO-01")
    (north, north_stations), (south, south_stations) = _place(mission, "N"), _place(mission, "S")
    lto.area_regions.set([north, south])
    in_north = TeamFactory(mission=mission, code="STO-001", lto_team=lto)
    in_south = TeamFactory(mission=mission, code="STO-002", lto_team=lto)
    silent_in_north = TeamFactory(mission=mission, code="STO-003", lto_team=lto)
    unplanned = TeamFactory(mission=mission, code="STO-004", lto_team=lto)
    for team, region in ((in_north, north), (in_south, south), (silent_in_north, north)):
        TeamAssignment.objects.create(team=team, mission=mission, region=region)
    add_forms(
        mission,
        voting,
        [_voting_form(north_stations[0], in_north), _voting_form(south_stations[0], in_south)],
    )
    deployed_north = {"STO-001", "STO-003", "STO-004"}  # planned there, or unplanned inside the LTO area
    teams = statistics_compile(mission=mission, region=north).to_json()["coverage"]["teams"]
    assert teams["total"] == len(deployed_north)
    assert teams["reported"] == 1
    assert teams["not_reported"] == sorted(deployed_north - {in_north.code})
    assert in_south.code not in teams["not_reported"] and unplanned.code in teams["not_reported"]


def test_raw_exports_hold_every_answer_and_note_as_typed_and_csv_cells_never_start_a_formula(
    client, mission, voting, actors
):
    team = TeamFactory(mission=mission, code="STO-001")
    _region, stations = _place(mission, "A")
    long_text = "Queue of about 40 voters; " + "the chair explained the rules again. " * 20
    typed = [
        ("x;=1+1", long_text),
        ("=SUM(A1:A9)", "a,@b"),
        ("Police inside, -tension", "+7 701 000"),
        ("plain", "-"),
    ]
    forms = add_forms(
        mission,
        voting,
        [_voting_form(stations[0], team, remarks=remark) | {"notes": note} for note, remark in typed],
    )
    run = _run(mission, kinds=["voting"])
    client.force_login(actors["analyst"])

    workbook = load_workbook(io.BytesIO(_download(client, run, "xlsx")))
    sheet = workbook["Raw data"]
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    by_form = {}
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)
        values = dict(zip(header, (cell.value for cell in row), strict=True))
        by_form[values["form"]] = values
    for form, (note, remark) in zip(forms, typed, strict=True):
        assert (by_form[form.pk]["notes"], by_form[form.pk]["remarks"]) == (note, remark)

    body = _download(client, run, "csv").decode()
    for delimiter in (",", ";"):
        for row in csv.reader(io.StringIO(body), delimiter=delimiter):
            for value in row:
                assert not value.lstrip(" \t\r\n").startswith(("=", "+", "-", "@")), (delimiter, value)
    for line in body.splitlines():  # a reader that ignores quotes
        for separator in (",", ";"):
            for piece in line.split(separator):
                assert not piece.lstrip(" \t\r\n").startswith(("=", "+", "-", "@")), (separator, piece)
    rows = {int(row["form"]): row for row in csv.DictReader(io.StringIO(body))}
    for form, (note, remark) in zip(forms, typed, strict=True):
        # Only an apostrophe before a piece that could start a formula; nothing else changes.
        assert rows[form.pk]["notes"].replace("'", "") == note
        assert rows[form.pk]["remarks"].replace("'", "") == remark
    assert rows[forms[3].pk]["notes"] == "plain" and rows[forms[0].pk]["remarks"] == long_text
