"""The observers' site fixture (a mission with named actors in every role), with the core team as admin staff."""

import copy
import decimal

import pytest

from tests.factories import PollingStationFactory, kazakhstan_2019, odihr_staff
from tests.observe.conftest import PASSWORD, build_site
from tests.once import once_per_module

__all__ = ["PASSWORD", "build_site"]


def build_cockpit_site(mission):
    """The observers' site plus an ODIHR staff member following the mission (the core team's roles give the admin)."""
    site = build_site(mission)
    site.odihr = odihr_staff("odihr", mission)
    return site


def place_stations(site):
    """The site's four stations get coordinates, one more station has none, and each STO team sends an urgent form."""
    for index, station in enumerate(
        [site.opening_station, site.voting_station, site.unplanned_station, site.other_station]
    ):
        station.latitude = decimal.Decimal("52.0") + index
        station.longitude = decimal.Decimal("70.0") + index
        station.save(update_fields=["latitude", "longitude"])
    site.no_coordinates = PollingStationFactory(mission=site.mission, region=site.region, tec=site.tec, number="199")
    site.owner_incident = site.record("voting", payload={**site.payload("voting"), "urgent": True})
    site.other_incident = site.record(
        "voting", user=site.other_sto, payload={**site.payload("voting", station=site.other_station), "urgent": True}
    )
    return site


@pytest.fixture(scope="module")
def site_once(request):
    return once_per_module(request, "site", lambda: build_cockpit_site(kazakhstan_2019()))


@pytest.fixture
def site(site_once, mission):
    return copy.deepcopy(site_once) if site_once is not None else build_cockpit_site(mission)


@pytest.fixture
def as_user(client):
    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login
