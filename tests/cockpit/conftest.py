"""The observers' site fixture (a mission with named actors in every role), with the core team as admin staff."""

import pytest

from tests.factories import odihr_staff
from tests.observe.conftest import PASSWORD, build_site

__all__ = ["PASSWORD", "build_site"]


def build_cockpit_site(mission):
    """The observers' site plus an ODIHR staff member following the mission (the core team's roles give the admin)."""
    site = build_site(mission)
    site.odihr = odihr_staff("odihr", mission)
    return site


@pytest.fixture
def site(mission):
    return build_cockpit_site(mission)


@pytest.fixture
def as_user(client):
    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login
