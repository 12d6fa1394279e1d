"""Conflicts between teams: two teams' forms about one station's count that disagree are listed with the lines that
differ, on the page and in the XLSX, and a coordinator decides which is right or that both stand."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from checklists.choices import FormKind, QuestionType, TemplateStatus
from reports.choices import RunStatus
from reports.compile import statistics_compile
from reports.models import ConflictResolution
from reports.services import report_run_compile, report_run_create
from tests.factories import PollingStationFactory, RegionFactory, TeamFactory, TecFactory

from .data import YES_NO, add_forms, make_template

pytestmark = pytest.mark.django_db

COUNTING = [
    (name, QuestionType.INTEGER, name.replace("_", " ").capitalize(), [], [], name, None)
    for name in ("ballots_received", "ballots_issued", "ballots_unused", "ballots_spoiled", "ballots_valid")
] + [("protocol_pre_signed", QuestionType.YES_NO, "Was the protocol pre-signed?", YES_NO, ["yes"], "", None)]


def _count(**changes):
    figures = {
        "ballots_received": 1000,
        "ballots_issued": 700,
        "ballots_unused": 290,
        "ballots_spoiled": 10,
        "ballots_valid": 680,
        "protocol_pre_signed": "no",
    }
    return {**figures, **changes}


@pytest.fixture
def two_teams(mission):
    region = RegionFactory(mission=mission, code="A", name="Akmola")
    tec = TecFactory(mission=mission, region=region)
    stations = [PollingStationFactory(mission=mission, region=region, tec=tec) for _ in range(3)]
    red, blue = TeamFactory(mission=mission, code="STO-001"), TeamFactory(mission=mission, code="STO-002")
    template = make_template(mission, FormKind.COUNTING, 1, TemplateStatus.PUBLISHED, COUNTING)
    sent = [
        # Station 0: the two teams disagree on two figures and on the critical question.
        (stations[0], red, _count()),
        (stations[0], blue, _count(ballots_valid=650, ballots_issued=720, protocol_pre_signed="yes")),
        # Station 1: the two teams agree.
        (stations[1], red, _count()),
        (stations[1], blue, _count()),
        # Station 2: one team, two forms that differ (a team's own second look is no conflict between teams).
        (stations[2], red, _count()),
        (stations[2], red, _count(ballots_valid=1)),
    ]
    forms = add_forms(
        mission, template, [{"station": station, "team": team, "answers": answers} for station, team, answers in sent]
    )
    return {"stations": stations, "sent": sent, "forms": forms}


def _differing(sent, one, other):
    return sorted(code for code in sent[one][2] if sent[one][2][code] != sent[other][2][code])


def test_two_teams_with_different_protocol_figures_are_one_conflict_listing_both_forms_and_the_differing_lines(
    client, mission, two_teams, actors
):
    forms, sent = two_teams["forms"], two_teams["sent"]
    result = statistics_compile(mission=mission, kinds=["counting"]).to_json()
    conflicts = result["conflicts"]
    assert conflicts["count"] == 1 and conflicts["decided"] == 0
    conflict = conflicts["list"][0]
    assert conflict["station"] == two_teams["stations"][0].number
    assert [form["submission"] for form in conflict["forms"]] == [forms[0].pk, forms[1].pk]
    assert [form["team"] for form in conflict["forms"]] == ["STO-001", "STO-002"]
    assert sorted(line["code"] for line in conflict["lines"]) == _differing(sent, 0, 1)
    valid = next(line for line in conflict["lines"] if line["code"] == "ballots_valid")
    assert valid["values"] == {str(forms[0].pk): "680", str(forms[1].pk): "650"}
    assert "rule" not in conflicts  # words are given when the report is read
    assert result["kinds"]["counting"]["observations"] == len(forms)

    run = report_run_create(mission=mission, kinds=["counting"])
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    client.force_login(actors["coordinator"])
    page = client.get(reverse("reports:run", args=[run.pk])).content.decode()
    table = re.search(r'data-conflict="counting:\d+">(.*?)</table>', page, re.S).group(1)
    assert f"Form {forms[0].pk} (STO-001" in table and f"Form {forms[1].pk} (STO-002" in table
    assert "ballots_valid" in table and "ballots_received" not in table
    assert "Record decision" in page
    assert "until a coordinator decides" in page
    download = b"".join(client.get(reverse("reports:run_export", args=[run.pk, "xlsx"])).streaming_content)
    rows = list(load_workbook(io.BytesIO(download))["Conflicts"].iter_rows(values_only=True))[2:]
    assert {(row[3], row[5], row[8]) for row in rows if row[3] == "ballots_valid"} == {
        ("ballots_valid", forms[0].pk, "680"),
        ("ballots_valid", forms[1].pk, "650"),
    }
    assert len(rows) == len(_differing(sent, 0, 1)) * 2


def test_a_coordinator_marks_one_form_right_and_the_other_stops_counting_from_the_next_compilation(
    client, mission, two_teams, actors
):
    forms = two_teams["forms"]
    station = two_teams["stations"][0]
    before = timezone.now()
    run = report_run_create(mission=mission, kinds=["counting"])
    report_run_compile(run_id=run.pk)
    resolve = reverse("reports:run_conflict_resolve", args=[run.pk])
    decision = {"kind": "counting", "station": station.pk, "forms": [forms[0].pk, forms[1].pk], "choice": forms[0].pk}

    client.force_login(actors["analyst"])
    assert client.post(resolve, decision).status_code == 403
    client.force_login(actors["sto"])
    assert client.post(resolve, decision).status_code in (403, 404)
    assert not ConflictResolution.objects.exists()

    client.force_login(actors["coordinator"])
    assert client.post(resolve, decision).status_code == 302
    recorded = ConflictResolution.objects.get()
    assert (recorded.right_form_id, recorded.forms, recorded.decided_by) == (
        forms[0].pk,
        [forms[0].pk, forms[1].pk],
        actors["coordinator"],
    )
    page = client.get(reverse("reports:run", args=[run.pk])).content.decode()
    assert "Decided since (applies to the next compilation)" in page

    after = statistics_compile(mission=mission, kinds=["counting"]).to_json()
    assert after["kinds"]["counting"]["observations"] == len(forms) - 1
    critical = next(q for q in after["kinds"]["counting"]["questions"] if q["code"] == "protocol_pre_signed")
    assert critical["critical"]["count"] == 0  # only the form marked wrong said "yes"
    assert after["conflicts"]["count"] == 1 and after["conflicts"]["one_is_right"] == 1
    assert after["conflicts"]["forms_not_counted"] == 1
    # A cut-off before the decision still counts both forms: decisions do not rewrite snapshots.
    assert statistics_compile(mission=mission, kinds=["counting"], cutoff=before).to_json()["kinds"]["counting"][
        "observations"
    ] == len(forms)

    both = {**decision, "choice": "both"}
    assert client.post(resolve, both).status_code == 302
    again = statistics_compile(mission=mission, kinds=["counting"]).to_json()
    assert again["kinds"]["counting"]["observations"] == len(forms)
    assert again["conflicts"]["both_stand"] == 1


def test_a_decision_about_forms_that_are_not_a_conflict_is_refused(client, mission, two_teams, actors):
    forms = two_teams["forms"]
    run = report_run_create(mission=mission, kinds=["counting"])
    report_run_compile(run_id=run.pk)
    client.force_login(actors["coordinator"])
    response = client.post(
        reverse("reports:run_conflict_resolve", args=[run.pk]),
        {
            "kind": "counting",
            "station": two_teams["stations"][0].pk,
            "forms": [forms[0].pk, forms[3].pk],
            "choice": forms[0].pk,
        },
        follow=True,
    )
    assert "not a conflict at this station" in response.content.decode()
    assert not ConflictResolution.objects.exists()
