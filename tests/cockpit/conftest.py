"""The observers' site fixture (a mission with named actors in every role), with the core team as admin staff."""

import pytest

from observers.roles import roles_setup
from tests.factories import UserFactory
from tests.observe.conftest import PASSWORD, build_site

__all__ = ["PASSWORD", "build_site"]


def build_cockpit_site(mission):
    """The observers' site plus admin rights for the core team and an ODIHR staff member."""
    site = build_site(mission)
    roles_setup()
    for user in (site.coordinator, site.analyst):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    site.odihr = UserFactory(username="odihr", groups=["odihr_staff"])
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
