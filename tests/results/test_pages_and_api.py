"""The core team's page, exports and API on official results; who may see them (owner, colleague, outsider)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import ExportLog
from results.imports import results_import
from tests.factories import MissionFactory
from tests.results.builders import (
    MAPPING,
    _core_user,
    as_csv,
    build_cec_world,
    file_rows,
    observed_answers,
    record_count,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(mission):
    """36 stations; the file leaves one out, breaks one station's arithmetic; observers' copies at three stations,
    one of which differs on one line. Expected: 1 arithmetic, 1 missing, 1 difference; 3 observed, 2 matching, 1
    differing."""
    world = build_cec_world(mission)
    keys = list(world.official)
    figures = {key: dict(value, votes=list(value["votes"])) for key, value in world.official.items()}
    figures[keys[2]]["ballots_received"] += 9  # AKM: arithmetic
    report = results_import(
        mission=mission, upload=as_csv(file_rows(world, leave_out={keys[30]}, figures=figures)), mapping=MAPPING
    )
    assert report.errors == []
    differing = observed_answers(world.official[keys[14]])  # AKT
    differing["candidate_3"] += 2
    record_count(world, world.stations[keys[14]], differing)
    record_count(world, world.stations[keys[15]], observed_answers(world.official[keys[15]]))  # AKT
    record_count(world, world.stations[keys[25]], observed_answers(world.official[keys[25]]))  # ALA
    world.version = report.version
    world.keys = keys
    return world


def test_the_owner_sees_the_summary_and_every_finding_on_one_page(client, published, django_assert_max_num_queries):
    client.force_login(published.coordinator)
    url = reverse("results:mission", args=[published.mission.slug])

    with django_assert_max_num_queries(17):
        response = client.get(url)

    assert response.status_code == 200
    body = response.content.decode()
    assert "3 of 3 findings shown" in body
    assert f"Votes for Таспаева Дания: official {published.official[published.keys[14]]['votes'][2]}" in body
    context = response.context
    assert context["check"].summary == {
        "observed": 3,
        "matching": 2,
        "differing": 1,
        "not_published": 0,
        "not_comparable": 0,
    }
    by_region = {row["code"]: (row["observed"], row["matching"], row["differing"]) for row in context["check"].regions}
    assert by_region == {"AKM": (0, 0, 0), "AKT": (2, 1, 1), "ALA": (1, 1, 0)}
    assert "robust z-score" in body and "MAD" in body


def test_the_page_filters_by_region_and_kind(client, published):
    client.force_login(published.coordinator)
    url = reverse("results:mission", args=[published.mission.slug])

    akm = client.get(url, {"region": "AKM"}).context["findings"]
    differences = client.get(url, {"kind": "differs_from_observers"}).context["findings"]

    assert [finding["kind"] for finding in akm] == ["arithmetic"]
    assert [(finding["line"], finding["difference"]) for finding in differences] == [("candidate_3", -2)]
    assert client.get(url, {"kind": "nonsense"}).status_code == 404
    assert client.get(url, {"version": "7"}).status_code == 404


def test_a_colleague_analyst_reads_and_exports_but_is_not_offered_the_import(client, published):
    client.force_login(published.analyst)

    page = client.get(reverse("results:mission", args=[published.mission.slug]))
    export = client.get(reverse("results:export", args=[published.mission.slug, "csv"]))

    assert page.status_code == 200
    assert "Import a results file" not in page.content.decode()
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 3
    assert sorted(row[0] for row in rows[1:]) == sorted(
        [
            "Protocol arithmetic does not add up",
            "Station missing from the results",
            "Differs from the observers' protocol copy",
        ]
    )
    log = ExportLog.objects.get()
    assert (log.user, log.mission, log.format, log.rows) == (published.analyst, published.mission, "csv", 3)


def test_the_xlsx_export_has_the_summary_per_region_and_every_finding(client, published):
    client.force_login(published.coordinator)

    response = client.get(reverse("results:export", args=[published.mission.slug, "xlsx"]), {"region": "AKT"})

    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    summary = [list(row) for row in workbook["Cross-check summary"].iter_rows(values_only=True)]
    findings = [list(row) for row in workbook["Findings"].iter_rows(values_only=True)]
    assert summary[1][:2] == ["Region", "Stations observed with a protocol copy"]
    assert summary[2] == ["All regions", 3, 2, 1, 0, 0]
    assert ["Актюбинская область", 2, 1, 1, 0, 0] in summary
    assert len(findings) == 1 + 1
    assert findings[1][0] == "Differs from the observers' protocol copy"


def test_outsiders_get_nothing_page_export_or_api(client, published):
    other_coordinator = _core_user(MissionFactory(slug="ua-2019"), "other_coordinator", "lto_coordinator")
    slug = published.mission.slug
    for user in (published.outsider, other_coordinator):
        client.force_login(user)
        assert client.get(reverse("results:mission", args=[slug])).status_code == 404
        assert client.get(reverse("results:export", args=[slug, "csv"])).status_code == 404
        assert client.get(reverse("results-version-detail", args=[published.version.pk])).status_code in (403, 404)
        assert client.get(reverse("results-version-findings", args=[published.version.pk])).status_code in (403, 404)
        listing = client.get(reverse("results-version-list"))
        assert listing.status_code == 403 or listing.json()["count"] == 0
    assert not ExportLog.objects.exists()


def test_the_api_lists_findings_by_region_and_kind_and_the_summary(client, published, django_assert_max_num_queries):
    client.force_login(published.analyst)
    version = published.version

    listing = client.get(reverse("results-version-list"), {"mission": published.mission.slug}).json()
    everything = client.get(reverse("results-version-findings", args=[version.pk])).json()
    akt = client.get(reverse("results-version-findings", args=[version.pk]), {"region": "AKT"}).json()
    missing = client.get(reverse("results-version-findings", args=[version.pk]), {"kind": "missing_station"}).json()
    with django_assert_max_num_queries(13):
        summary = client.get(reverse("results-version-summary", args=[version.pk])).json()

    assert [row["number"] for row in listing["results"]] == [1]
    assert everything["count"] == 3
    assert [(row["kind"], row["station"], row["official"], row["observed"]) for row in akt["results"]] == [
        (
            "differs_from_observers",
            published.stations[published.keys[14]].number,
            published.official[published.keys[14]]["votes"][2],
            published.official[published.keys[14]]["votes"][2] + 2,
        )
    ]
    assert [(row["region"], row["station"]) for row in missing["results"]] == [
        ("город Алматы", published.stations[published.keys[30]].number)
    ]
    assert summary["overall"] == {"observed": 3, "matching": 2, "differing": 1, "not_published": 0, "not_comparable": 0}
    assert summary["findings"]["arithmetic"] == 1
    assert client.get(reverse("results-version-findings", args=[version.pk]), {"region": "ZZ"}).status_code == 404


def test_the_owner_lowers_the_turnout_threshold_in_the_admin_and_the_colleague_may_only_read_it(client, published):
    from results.models import ResultsSettings

    settings = ResultsSettings.objects.get(mission=published.mission)
    url = reverse("admin:results_resultssettings_change", args=[settings.pk])
    turnouts = sorted(100 * f["ballots_issued"] / f["registered_voters"] for f in published.official.values())
    threshold = 63
    expected = sum(
        1
        for key, f in published.official.items()
        if key != published.keys[30] and 100 * f["ballots_issued"] / f["registered_voters"] > threshold
    )
    assert 0 < expected < len(turnouts)

    client.force_login(published.analyst)
    refused = client.post(url, {"turnout_threshold": "10"})
    client.force_login(published.coordinator)
    saved = client.post(url, {"turnout_threshold": str(threshold)})
    page = client.get(reverse("results:mission", args=[published.mission.slug]), {"kind": "turnout_over_threshold"})

    assert refused.status_code == 403
    assert saved.status_code == 302
    assert len(page.context["findings"]) == expected
    assert f"Turnout threshold: {threshold}" in page.content.decode()


def test_a_turnout_of_5_in_16_reads_31_3_on_the_page_rounded_half_up_from_the_exact_figures(client, mission):
    world = build_cec_world(mission)
    keys = list(world.official)
    figures = {key: dict(value, votes=list(value["votes"])) for key, value in world.official.items()}
    figures[keys[3]] = {  # 5 ballots issued to 16 voters: 31.25 %, among stations at 55-65 % in its TEC
        "registered_voters": 16,
        "ballots_received": 6,
        "ballots_issued": 5,
        "ballots_cancelled": 1,
        "ballots_valid": 4,
        "ballots_invalid": 1,
        "votes": [2, 1, 1],
    }
    report = results_import(mission=mission, upload=as_csv(file_rows(world, figures=figures)), mapping=MAPPING)
    assert report.errors == []
    client.force_login(world.coordinator)

    body = client.get(reverse("results:mission", args=[mission.slug])).content.decode()

    assert "<td>31.3</td>" in body
    assert "Turnout 31.3 % against a median of" in body
    assert "31.2" not in body
    assert "31.25" not in body


def test_a_russian_speaking_coordinator_reads_the_page_in_russian(client, published):
    client.force_login(published.coordinator)

    body = client.get(reverse("results:mission", args=[published.mission.slug]), HTTP_ACCEPT_LANGUAGE="ru")

    text = body.content.decode()
    assert "Сверка с копиями протоколов наблюдателей" in text
    assert "Показаны 3 из 3 находок" in text
    assert "Как работают проверки" in text
    assert "Cross-check with the observers' protocol copies" not in text
