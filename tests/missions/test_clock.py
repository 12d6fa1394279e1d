"""The mission's local time zone is worked out in one place, and an unknown zone name falls back to UTC."""

import datetime
import logging
from types import SimpleNamespace

import pytest

from missions import clock
from missions.clock import UTC, local_moment, local_zone


@pytest.fixture(autouse=True)
def nothing_reported_yet(monkeypatch):
    monkeypatch.setattr(clock, "_reported", set())


def zone_named(name):
    return local_zone(SimpleNamespace(time_zone=name))


def test_a_known_name_gives_its_zone():
    assert zone_named("Asia/Almaty").key == "Asia/Almaty"


@pytest.mark.parametrize("name", ["", None, "Asia/Nowhere", "../etc/passwd", "asia/almaty ", "Asia"])
def test_an_empty_or_unknown_name_gives_utc(name):
    assert zone_named(name) is UTC


def test_an_unknown_name_is_logged_once(caplog):
    with caplog.at_level(logging.WARNING, logger="missions.clock"):
        for _ in range(3):
            zone_named("Asia/Nowhere")
            local_zone(SimpleNamespace(time_zone="Asia/Nowhere"))
    assert [record.getMessage() for record in caplog.records] == [
        "Unknown time zone 'Asia/Nowhere': times are shown in UTC until it is corrected."
    ]


def test_the_region_zone_comes_before_the_mission_zone():
    mission = SimpleNamespace(time_zone="Asia/Almaty")
    assert local_zone(mission).key == "Asia/Almaty"
    assert local_zone(mission, SimpleNamespace(time_zone="Asia/Atyrau")).key == "Asia/Atyrau"
    assert local_zone(mission, SimpleNamespace(time_zone="")).key == "Asia/Almaty"  # a region without its own


def test_an_unknown_region_zone_falls_back_to_the_mission_zone_then_utc():
    assert local_zone(SimpleNamespace(time_zone="Asia/Almaty"), SimpleNamespace(time_zone="Mars/Olympus")).key == (
        "Asia/Almaty"
    )
    assert local_zone(SimpleNamespace(time_zone="Asia/Nowhere"), SimpleNamespace(time_zone="Mars/Olympus")) is UTC
    assert local_zone(None) is UTC


def test_a_moment_is_written_in_the_mission_zone_or_utc():
    moment = datetime.datetime(2019, 6, 9, 8, 5, tzinfo=datetime.UTC)
    assert local_moment(moment, SimpleNamespace(time_zone="Asia/Almaty"), with_zone=True) == "2019-06-09 14:05 +06"
    assert local_moment(moment, SimpleNamespace(time_zone="Asia/Nowhere"), with_zone=True) == "2019-06-09 08:05 UTC"
    assert local_moment("2019-06-09T08:05:00", SimpleNamespace(time_zone="Asia/Almaty")) == "2019-06-09 14:05"
    assert local_moment(None, SimpleNamespace(time_zone="Asia/Almaty")) == ""
