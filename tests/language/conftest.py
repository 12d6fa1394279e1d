import pytest

from tests.cockpit.conftest import build_cockpit_site
from tests.language.english import product_fragments


@pytest.fixture
def site(mission):
    return build_cockpit_site(mission)


@pytest.fixture
def product_strings():
    """English product strings with a Russian translation of their own, longest first (tests/language/english.py)."""
    return list(product_fragments())


@pytest.fixture
def as_user(client):
    def login(user):
        client.logout()
        client.force_login(user)
        return client

    return login
