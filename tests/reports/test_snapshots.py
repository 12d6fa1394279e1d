"""A compilation is a snapshot: every form as it stood at the cut-off, whatever is corrected or moved afterwards.

Forms are filed and corrected through the services the observers' pages use; expected figures come from the
answers this test sent before the cut-off.
"""

import csv
import io
import json
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from checklists.choices import FormKind, TemplateStatus
from reports.choices import RunStatus
from reports.compile import statistics_compile
from reports.services import report_run_compile, report_run_create, report_runs_compare
from submissions.services import submission_correct, submission_record
from tests.factories import PollingStationFactory, RegionFactory, TeamFactory, TecFactory

from . import expected
from .data import VOTING_V2, make_template

pytestmark = pytest.mark.django_db


def _answers(**changes):
    answers = {
        "voters_on_list": 1000,
        "voters_voted": 300,
        "box_sealed": "yes",
        "secrecy": "yes",
        "unauthorised": "no",
        "ids_checked": "always",
        "stuffing": "no",
        "remarks": "calm",
        "overall_assessment": "good",
    }
    return {**answers, **changes}


@pytest.fixture
def place(mission):
    north, south = RegionFactory(mission=mission, code="N"), RegionFactory(mission=mission, code="S")
    north_tec, south_tec = TecFactory(mission=mission, region=north), TecFactory(mission=mission, region=south)
    return {
        "north": north,
        "south": south,
        "n1": PollingStationFactory(mission=mission, region=north, tec=north_tec),
        "n2": PollingStationFactory(mission=mission, region=north, tec=north_tec),
        "s1": PollingStationFactory(mission=mission, region=south, tec=south_tec),
        "team": TeamFactory(mission=mission, code="STO-001"),
        "template": make_template(mission, FormKind.VOTING, 1, TemplateStatus.PUBLISHED, VOTING_V2),
    }


class Filing:
    """Forms filed and corrected by the coordinator, remembering each as the test last sent it."""

    def __init__(self, mission, place, user):
        self.mission, self.place, self.user = mission, place, user
        self.sent: dict[int, dict] = {}

    def payload(self, station, answers, notes=""):
        return {"polling_station": station.pk, "team": self.place["team"].pk, "answers": answers, "notes": notes}

    def file(self, station, notes="", **answers):
        submission, created = submission_record(
            user=self.user,
            mission=self.mission,
            uuid=uuid.uuid4(),
            template=self.place["template"],
            payload=self.payload(station, _answers(**answers), notes),
        )
        assert created
        self.sent[submission.pk] = {"station": station, "answers": _answers(**answers), "notes": notes}
        return submission

    def correct(self, submission, station, notes="", **answers):
        submission_correct(
            user=self.user, submission=submission, payload=self.payload(station, _answers(**answers), notes)
        )
        self.sent[submission.pk] = {"station": station, "answers": _answers(**answers), "notes": notes}


def _figures(sent: dict[int, dict]) -> dict:
    """Observations, negative assessments and stuffing seen, per region code, from the forms as sent."""
    out: dict = {}
    for form in sent.values():
        cell = out.setdefault(form["station"].region.code, {"forms": 0, "negative": 0, "stuffing": 0})
        cell["forms"] += 1
        cell["negative"] += form["answers"]["overall_assessment"] in ("bad", "very_bad")
        cell["stuffing"] += form["answers"]["stuffing"] == "yes"
    return out


def _compiled(result: dict) -> dict:
    voting = result["kinds"]["voting"]
    stuffing = next(q for q in voting["questions"] if q["code"] == "stuffing")
    out = {}
    for code, cell in voting["by_region"].items():
        yes = next(v for v in stuffing["by_region"][code]["values"] if v["value"] == "yes")
        out[code] = {
            "forms": cell["observations"],
            "negative": voting["assessment"]["by_region"][code]["negative"]["count"],
            "stuffing": yes["count"],
        }
    return out


@pytest.fixture
def filed_then_corrected(mission, place, actors):
    """Four forms before the cut-off; after it, one new form, two corrections and a move to another region."""
    filing = Filing(mission, place, actors["coordinator"])
    first = filing.file(place["n1"], overall_assessment="bad", notes="Before")
    second = filing.file(place["n1"])
    third = filing.file(place["n2"], stuffing="yes")
    filing.file(place["s1"])
    at_cutoff = {pk: dict(form) for pk, form in filing.sent.items()}
    cutoff = timezone.now()
    filing.correct(first, place["n1"], overall_assessment="good", notes="=after")
    filing.correct(second, place["n1"], overall_assessment="very_bad")
    filing.correct(third, place["s1"], stuffing="no")  # moved to another station in another region
    filing.file(place["s1"], overall_assessment="bad")
    return {"cutoff": cutoff, "at_cutoff": at_cutoff, "now": filing.sent, "moved": third}


def test_a_cutoff_counts_every_form_as_it_stood_then_and_recompiling_gives_the_same_figures(
    mission, filed_then_corrected
):
    cutoff = filed_then_corrected["cutoff"]
    want_then = _figures(filed_then_corrected["at_cutoff"])
    want_now = _figures(filed_then_corrected["now"])
    assert want_then != want_now  # the corrections change what is counted

    compiled_then = statistics_compile(mission=mission, cutoff=cutoff)
    then = compiled_then.to_json()
    assert _compiled(then) == want_then
    assert then["kinds"]["voting"]["observations"] == len(filed_then_corrected["at_cutoff"])
    negative = sum(cell["negative"] for cell in want_then.values())
    forms_then = len(filed_then_corrected["at_cutoff"])
    assert then["kinds"]["voting"]["assessment"]["negative"]["pct"] == expected.pct(negative, forms_then)
    assert _compiled(statistics_compile(mission=mission).to_json()) == want_now
    again = statistics_compile(mission=mission, cutoff=cutoff).to_json()
    assert json.dumps(again, sort_keys=True) == json.dumps(then, sort_keys=True)
    moved = filed_then_corrected["moved"].pk
    assert [row.submission for row in compiled_then.incidents.list] == [moved]  # stuffing was critical then
    assert compiled_then.incidents.list[0].region == "N"


def test_a_run_with_a_cutoff_exports_and_shows_the_snapshot_and_compares_with_a_later_run(
    client, mission, filed_then_corrected, actors
):
    cutoff = filed_then_corrected["cutoff"]
    frozen = report_run_create(mission=mission, cutoff=cutoff, kinds=["voting"])
    report_run_compile(run_id=frozen.pk)
    latest = report_run_create(mission=mission, kinds=["voting"])
    report_run_compile(run_id=latest.pk)
    frozen.refresh_from_db()
    latest.refresh_from_db()
    assert frozen.status == latest.status == RunStatus.DONE
    assert latest.result["filters"]["cutoff"] == latest.started_at.isoformat()  # no cut-off: frozen at the start
    assert _compiled(frozen.result) == _figures(filed_then_corrected["at_cutoff"])
    assert _compiled(latest.result) == _figures(filed_then_corrected["now"])

    client.force_login(actors["analyst"])
    page = client.get(reverse("reports:run", args=[frozen.pk])).content.decode()
    local = timezone.localtime(cutoff, timezone=ZoneInfo(mission.time_zone))
    assert f"Forms as received and corrected up to {local:%H:%M} local time" in page

    body = b"".join(client.get(reverse("reports:run_export", args=[frozen.pk, "csv"])).streaming_content).decode()
    rows = {int(row["form"]): row for row in csv.DictReader(io.StringIO(body))}
    assert set(rows) == set(filed_then_corrected["at_cutoff"])
    for pk, form in filed_then_corrected["at_cutoff"].items():
        assert rows[pk]["polling_station"] == form["station"].number
        assert rows[pk]["region"] == form["station"].region.code
        assert rows[pk]["overall_assessment"] == form["answers"]["overall_assessment"]
        assert rows[pk]["stuffing"] == form["answers"]["stuffing"]
        assert rows[pk]["notes"] == form["notes"]

    diff = report_runs_compare(old=frozen, new=latest)
    assert diff["observations_total"] == [4, 5, 1]
    page = client.get(reverse("reports:run_compare", args=[latest.pk]) + f"?with={frozen.pk}")
    assert page.status_code == 200 and "stuffing" in page.content.decode()


def test_a_runs_lists_show_the_forms_as_they_stood_at_its_cutoff_whatever_changes_after(
    mission, place, filed_then_corrected
):
    import dataclasses

    from reports.models import ReportRun

    from .flagged_reference import reference_lists

    cutoff = filed_then_corrected["cutoff"]
    frozen = report_run_create(mission=mission, cutoff=cutoff, kinds=["voting"])
    report_run_compile(run_id=frozen.pk)
    then = reference_lists(mission=mission, kinds=["voting"], cutoff=cutoff)
    assert then != reference_lists(mission=mission, kinds=["voting"], cutoff=timezone.now())  # corrected since
    stored = ReportRun.objects.get(pk=frozen.pk).report()
    listed = [dataclasses.asdict(form) for form in stored.incidents.list]
    assert listed == [dataclasses.asdict(form) for form in then[0]]
    assert [(form["submission"], form["region"], form["team"]) for form in listed] == [
        (filed_then_corrected["moved"].pk, "N", "STO-001")
    ]
    # The run keeps what it listed: renaming the team or the region afterwards does not change it.
    place["team"].code = "STO-777"
    place["team"].save(update_fields=["code"])
    place["north"].code = "NN"
    place["north"].save(update_fields=["code"])
    again = ReportRun.objects.get(pk=frozen.pk).report()
    assert [dataclasses.asdict(form) for form in again.incidents.list] == listed
