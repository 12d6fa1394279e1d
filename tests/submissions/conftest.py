import pytest

from tests.checklists.factories import build_world


@pytest.fixture
def world(mission):
    return build_world(mission)
