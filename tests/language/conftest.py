import copy

import pytest

from tests.cockpit.conftest import build_cockpit_site
from tests.factories import kazakhstan_2019
from tests.language.english import product_fragments
from tests.once import once_per_module


@pytest.fixture(scope="module")
def site_once(request):
    return once_per_module(request, "site", lambda: build_cockpit_site(kazakhstan_2019()))


@pytest.fixture
def site(site_once, mission):
    return copy.deepcopy(site_once) if site_once is not None else build_cockpit_site(mission)


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
