"""A run keeps its lists of flagged forms (incidents, protocol mismatches) in a table of its own, written when it is
compiled: the lists are the ones compilations built before, form for form; the result keeps their counts; the page
reads a page of them in as many queries however long they are; only those who may see the run see them."""

import dataclasses
import datetime
import importlib
from collections import Counter

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from checklists.choices import FormKind, TemplateStatus
from reports.compile import statistics_compile
from reports.models import ReportFlaggedForm, ReportRun
from reports.result import SCHEMA
from reports.services import report_run_create
from submissions.models import Submission
from tests.factories import PollingStationFactory, RegionFactory, TeamFactory, TecFactory

from .data import ELECTION_DAY, VOTING_V2, add_forms, make_template
from .flagged_reference import reference_lists

pytestmark = pytest.mark.django_db


def _as_dicts(forms) -> list[dict]:
    return [dataclasses.asdict(form) for form in forms]


def _compiled_run(mission, **filters):
    run = report_run_create(mission=mission, **filters)
    return run, statistics_compile(
        mission=mission,
        cutoff=filters.get("cutoff"),
        run=run,
        **{key: value for key, value in filters.items() if key != "cutoff"},
    )


@pytest.mark.parametrize("in_one_region", [False, True])
def test_a_runs_lists_hold_the_forms_the_compilation_listed_before_form_for_form(mission, election_day, in_one_region):
    region = election_day["regions"][0] if in_one_region else None
    cutoff = timezone.now()
    want_incidents, want_protocol = reference_lists(mission=mission, region=region, cutoff=cutoff)
    assert any(form.critical_answers for form in want_incidents) and want_protocol  # the mission has both kinds

    run, compiled = _compiled_run(mission, region=region, cutoff=cutoff)
    run.result = compiled.to_json()
    run.save(update_fields=["result"])
    stored = ReportRun.objects.get(pk=run.pk).report()
    for result in (compiled, stored, statistics_compile(mission=mission, region=region, cutoff=cutoff)):
        assert _as_dicts(result.incidents.list) == _as_dicts(want_incidents)
        assert _as_dicts(result.protocol.list) == _as_dicts(want_protocol)
    # A page of a list is the same part of the whole list.
    assert _as_dicts(stored.incidents.list[3:7]) == _as_dicts(want_incidents[3:7])
    assert dataclasses.asdict(stored.incidents.list[-1]) == dataclasses.asdict(want_incidents[-1])

    # The counts come from the database, recounted here from the forms the test made.
    forms = Submission.objects.filter(mission=mission, confidential=False, kind__in=run.kinds)
    if region is not None:
        forms = forms.filter(region=region)
    forms = list(forms.values("urgent", "has_critical", "protocol_mismatch", "protocol_issues"))
    rules = Counter(
        code
        for form in forms
        if form["protocol_mismatch"]
        for code in {
            (flag.get("rule") if isinstance(flag, dict) else "") or "unnamed" for flag in form["protocol_issues"]
        }
    )
    saved = run.result
    assert "list" not in saved["incidents"] and "list" not in saved["protocol"] and saved["schema"] == SCHEMA
    assert saved["incidents"]["urgent"] == sum(form["urgent"] for form in forms)
    assert saved["incidents"]["critical"] == sum(form["has_critical"] for form in forms)
    assert saved["incidents"]["listed"] == sum(form["urgent"] or form["has_critical"] for form in forms)
    assert saved["protocol"]["mismatches"] == saved["protocol"]["listed"] == sum(f["protocol_mismatch"] for f in forms)
    assert saved["protocol"]["by_rule"] == dict(sorted(rules.items()))


def test_a_run_compiled_again_keeps_one_row_per_form_and_deleting_it_deletes_them(mission, election_day):
    run, compiled = _compiled_run(mission)
    statistics_compile(mission=mission, run=run)  # the worker died and the run is compiled again
    listed = ReportFlaggedForm.objects.filter(run=run)
    assert listed.count() == len(
        {*(f.submission for f in compiled.incidents.list), *(f.submission for f in compiled.protocol.list)}
    )
    run.delete()
    assert not listed.exists()


def test_a_run_stored_with_its_lists_inside_has_them_moved_to_its_table(mission, election_day):
    cutoff = timezone.now()
    incidents, protocol = reference_lists(mission=mission, cutoff=cutoff)
    old = statistics_compile(mission=mission, cutoff=cutoff).to_json()
    old["schema"] = 2
    for name, forms in (("incidents", incidents), ("protocol", protocol)):
        del old[name]["listed"]
        old[name]["list"] = _as_dicts(forms)
    for form in old["protocol"]["list"]:
        del form["issues"]
    run = ReportRun.objects.create(mission=mission, kinds=["opening", "voting", "counting"], status="done", result=old)
    assert _as_dicts(run.report().incidents.list) == _as_dicts(incidents)  # read as it is, before it is moved

    importlib.import_module("reports.migrations.0007_flagged_forms_move").lists_move(apps, connection.schema_editor())

    run.refresh_from_db()
    assert run.result["schema"] == 3 and "list" not in run.result["incidents"]
    assert run.result["incidents"]["listed"] == len(incidents) and run.result["protocol"]["listed"] == len(protocol)
    moved = run.report()
    assert _as_dicts(moved.incidents.list) == _as_dicts(incidents)
    assert _as_dicts(moved.protocol.list) == _as_dicts(protocol)


def _flag(mission, *, count: int, start: int) -> None:
    """`count` urgent voting forms with critical answers, and a counting form whose protocol does not add up."""
    region = RegionFactory(mission=mission)
    station = PollingStationFactory(mission=mission, region=region, tec=TecFactory(mission=mission, region=region))
    team = TeamFactory(mission=mission)
    voting = mission.form_templates.filter(kind=FormKind.VOTING).first() or make_template(
        mission, FormKind.VOTING, 1, TemplateStatus.PUBLISHED, VOTING_V2
    )
    add_forms(
        mission,
        voting,
        [
            {
                "station": station,
                "team": team,
                "urgent": True,
                "notes": f"incident {start + index}",
                "received": ELECTION_DAY + datetime.timedelta(hours=3, seconds=start + index),
                "answers": {"box_sealed": "no", "overall_assessment": "bad"},
            }
            for index in range(count)
        ],
    )


def test_the_report_page_reads_the_flagged_forms_of_a_run_in_the_same_queries_whatever_their_number(
    client, mission, actors
):
    client.force_login(actors["analyst"])
    queries = []
    for count in (250, 480):
        _flag(mission, count=count, start=len(queries) * 1000)
        run, compiled = _compiled_run(mission)
        ReportRun.objects.filter(pk=run.pk).update(result=compiled.to_json(), status="done", finished_at=timezone.now())
        url = reverse("reports:run", args=[run.pk]) + "?incidents=2"
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url).content.decode()
        queries.append(len(captured))
        total = len(compiled.incidents.list)
        assert f"101–200 of {total} shown" in page
        shown = [f">{form.notes}<" for form in compiled.incidents.list[100:201]]
        assert all(notes in page for notes in shown[:100]) and shown[100] not in page
    assert queries[0] == queries[1]
    for who in ("sto", "lto", "outsider"):  # a colleague without access to statistics, and a stranger
        client.force_login(actors[who])
        assert client.get(url).status_code == 404
