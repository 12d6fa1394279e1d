"""Stations whose list gave no urban/rural are a bucket of their own ("Unknown") in every urban/rural breakdown."""

import pytest

from reports.compile import statistics_compile
from reports.presentation import report_tables
from reports.result import ReportLabels, ReportResult
from tests.factories import PollingStationFactory
from tests.observe.conftest import build_site

pytestmark = pytest.mark.django_db


def test_forms_from_stations_of_unknown_area_are_counted_as_unknown_not_dropped_or_filed_as_rural(mission):
    site = build_site(mission)
    unknown = [
        PollingStationFactory(mission=mission, region=site.region, tec=site.tec, number=str(n), area_type="")
        for n in (1, 2, 3)
    ]
    for station in unknown[:2]:
        site.record("voting", station=station)
    site.record("voting", station=site.opening_station)  # urban (the factory's default)
    site.record("voting", station=site.opening_station)

    result = statistics_compile(mission=mission, kinds=["voting"]).to_json()

    voting = result["kinds"]["voting"]
    assert voting["by_area"] == {
        "": {"observations": 2, "stations": 2},
        "urban": {"observations": 2, "stations": 1},
    }
    coverage = result["coverage"]["by_area"]
    assert (coverage[""]["observed"], coverage[""]["stations"]) == (2, len(unknown))
    assert "rural" not in coverage
    typed = ReportResult.from_json(result)
    rows = {
        row["label"]: row
        for row in report_tables(typed, ReportLabels.for_result(typed, mission=mission))["coverage_rows"]
    }
    assert (rows["Unknown"]["observed"], rows["Unknown"]["stations"]) == (2, len(unknown))
    assert "Rural" not in rows
