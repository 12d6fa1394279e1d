"""Fixtures for the reports tests: named actors around one mission with generated election-day data."""

import pytest

from observers.choices import CoreFunction, MemberRole
from tests.factories import MembershipFactory, ObserverFactory, UserFactory, odihr_staff, team_with_members

from .data import build_election_day


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    yield


@pytest.fixture
def election_day(mission):
    return build_election_day(mission, forms=80, seed=5)


def member(mission, username, role, core_function=""):
    user = UserFactory(username=username)
    observer = ObserverFactory(mission=mission, user=user, full_name=f"{username.title()} Person")
    MembershipFactory(mission=mission, observer=observer, role=role, core_function=core_function)
    return user


@pytest.fixture
def actors(mission):
    """Named actors: who may and who may not see the mission's statistics."""
    sto_user, lto_user = (
        UserFactory(username="sto"),
        UserFactory(username="lto"),
    )
    team_with_members(mission=mission, code="STO-500", users=(sto_user, None))
    from observers.choices import TeamKind

    team_with_members(mission=mission, kind=TeamKind.LTO, code="LTO-50", users=(lto_user, None))
    return {
        "analyst": member(mission, "analyst", MemberRole.CORE_TEAM, CoreFunction.STATISTICAL_ANALYST),
        "coordinator": member(mission, "coordinator", MemberRole.CORE_TEAM, CoreFunction.LTO_COORDINATOR),
        "head": member(mission, "head", MemberRole.HEAD_OF_MISSION),
        "sto": sto_user,
        "lto": lto_user,
        "outsider": UserFactory(username="outsider"),
        "odihr": odihr_staff("odihr", mission),
    }
