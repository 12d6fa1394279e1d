import copy

import pytest

from tests.checklists.factories import build_world
from tests.factories import kazakhstan_2019
from tests.once import once_per_module


@pytest.fixture(scope="module")
def world_once(request):
    return once_per_module(request, "world", lambda: build_world(kazakhstan_2019()))


@pytest.fixture
def world(world_once, mission):
    return copy.deepcopy(world_once) if world_once is not None else build_world(mission)
