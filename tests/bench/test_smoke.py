"""The benchmark harness at its tiny scale, on whatever database the suite uses, so that it cannot rot."""

import json

import pytest
from django.db import connection

from bench import __main__ as harness
from bench.data import dataset_ensure
from checklists.choices import FormKind
from submissions.models import Answer, Submission
from submissions.services import submission_record
from synthetic.voting import voting_forms_generate


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # gunicorn's processes must see the data: no test transaction around it
def test_the_harness_runs_every_benchmark_at_tiny_scale_and_writes_its_table(tmp_path):
    output = tmp_path / "results.json"

    status = harness.main(
        ["--scale", "tiny", "--seconds", "2", "--clients", "4", "--in-process", "--output", str(output)]
    )

    results = json.loads(output.read_text())
    failures = {name: figures.get("error") for name, figures in results["benchmarks"].items() if "error" in figures}
    assert failures == {}
    assert status == 0
    assert set(results["benchmarks"]) == set(harness.BENCHMARKS)
    assert not [row for row in results["rows"] if row["figure"] in ("unreadable figures", "FAILED")]
    ingest = results["benchmarks"]["ingest"]
    if connection.vendor == "postgresql":
        assert ingest["ingest"]["requests"] > 0
        assert ingest["trivial"]["requests"] > 0
        assert ingest["ingest"]["errors"] == 0
        assert ingest["exactly_once"] is True
        assert ingest["stored_rows"] == ingest["unique_uuids_sent"] > 0
    else:
        assert "skipped" in ingest
    pages = results["benchmarks"]["pages"]["pages"]
    measured = [page for page in pages.values() if "not_available" not in page]
    assert measured, "no page could be measured"
    for page in measured:
        assert all("error" not in figures for figures in page["by_size"].values())
        assert all(figures["queries"] > 0 for figures in page["by_size"].values())


@pytest.mark.django_db
def test_generated_forms_store_exactly_what_the_recording_service_stores():
    dataset = dataset_ensure(forms=30)
    generated = Submission.objects.filter(mission=dataset.mission).order_by("id")[:10]
    username, team_id, _stations = dataset.team_logins[0]
    user = dataset.mission.memberships.get(observer__user__username=username).observer.user
    for submission in generated:
        if submission.team_id != team_id:
            continue
        payload = {key: value for key, value in submission.payload.items() if key != "template"}
        stored, created = submission_record(
            user=user,
            mission=dataset.mission,
            uuid="6f1d7a52-94a8-4c3b-9a57-2c1f8e0b7d41",
            template=submission.template,
            payload=payload,
        )
        assert created
        assert stored.content_hash == submission.content_hash
        assert stored.has_critical == submission.has_critical
        assert stored.overall_assessment == submission.overall_assessment
        rows = sorted(Answer.objects.filter(submission=stored).values_list("question_code", "value", "number", "text"))
        assert rows == sorted(
            Answer.objects.filter(submission=submission).values_list("question_code", "value", "number", "text")
        )
        return
    pytest.fail("no generated form of the first team with a login")


@pytest.mark.django_db
def test_a_second_call_only_adds_the_missing_forms():
    first = dataset_ensure(forms=20)
    again = dataset_ensure(forms=20)
    assert again.mission.pk == first.mission.pk
    assert Submission.objects.filter(mission=first.mission, kind=FormKind.VOTING).count() == 20
    assert voting_forms_generate(mission=first.mission, count=5, start=20) == 5
    assert Submission.objects.filter(mission=first.mission).values("uuid").distinct().count() == 25


def test_the_harness_refuses_an_unknown_benchmark(capsys):
    with pytest.raises(SystemExit) as exit_info:
        harness.main(["--only", "ingest,teleport"])
    assert exit_info.value.code == 2
    assert "unknown benchmark(s): teleport" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)  # the benchmark's own process opens the same database
def test_each_benchmark_runs_in_its_own_process_when_the_database_can_be_shared(tmp_path):
    output = tmp_path / "results.json"

    status = harness.main(["--scale", "tiny", "--only", "planning", "--output", str(output)])

    results = json.loads(output.read_text())
    assert status == 0
    assert list(results["benchmarks"]) == ["planning"]
    planning = results["benchmarks"]["planning"]
    assert planning["sto_teams"] > 0
    assert planning["planning_seconds"] >= 0
    assert [row["benchmark"] for row in results["rows"]] == ["planning"]


@pytest.mark.django_db
def test_the_results_benchmarks_counting_forms_are_stored_as_recorded_and_a_cutoff_cross_check_sees_them():
    from bench import bench_results
    from results.imports import results_import
    from results.selectors import results_crosscheck
    from submissions.models import SubmissionRevision

    mission, content = bench_results.build(40)
    forms = Submission.objects.filter(mission=mission, kind=FormKind.COUNTING)
    observed = forms.count()
    assert observed >= 20
    assert SubmissionRevision.objects.filter(submission__in=forms, revision=1).count() == observed
    report = results_import(
        mission=mission, upload=content, filename="cec.csv", mapping={"region": "Область", "number": "№ УИК"}
    )
    assert report.errors == []
    now = results_crosscheck(version=report.version)
    assert now.summary["observed"] == observed
    assert now.summary["differing"] == len(range(0, observed, 10))  # one form in ten differs on one line
    later = forms.order_by("-received_at").first().received_at
    assert results_crosscheck(version=report.version, cutoff=later).summary == now.summary
    assert bench_results.build(40)[0].submissions.filter(kind=FormKind.COUNTING).count() == observed  # made once


@pytest.mark.django_db
def test_describing_a_benchmark_mission_takes_the_same_queries_however_many_logins_it_has(
    django_assert_max_num_queries,
):
    from bench.data import dataset_describe
    from missions.models import PollingStation

    mission = dataset_ensure(forms=20).mission
    with django_assert_max_num_queries(12):
        described = dataset_describe(mission)
    assert len(described.team_logins) > 10
    for _username, team_id, station_ids in described.team_logins:
        tecs = mission.assignments.get(team_id=team_id).tecs.all()
        assert station_ids == list(
            PollingStation.objects.filter(tec__in=tecs).order_by("id").values_list("id", flat=True)
        )
