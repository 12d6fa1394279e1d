import pytest

from tests.cockpit.conftest import build_cockpit_site


@pytest.fixture
def site(mission):
    return build_cockpit_site(mission)


@pytest.fixture
def as_user(client):
    def login(user):
        client.logout()
        client.force_login(user)
        return client

    return login
