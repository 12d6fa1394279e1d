"""Who may file forms where, and who sees which forms: the owner, a colleague, an LTO, a coordinator, an outsider."""

import pytest
from django.core.exceptions import PermissionDenied

from observers.access import actor_for
from submissions.models import Submission
from submissions.selectors import submission_for_actor, submissions_visible_to, urgent_incidents

pytestmark = pytest.mark.django_db


def test_the_owner_files_for_its_own_team_in_its_area(world):
    submission, created = world.record("voting", user=world.owner)
    assert created and submission.team == world.team and submission.submitted_by == world.owner


def test_an_sto_cannot_file_for_another_team(world):
    payload = {**world.payload("voting"), "team": world.colleague_team.pk}
    with pytest.raises(PermissionDenied, match="only for your own team"):
        world.record("voting", user=world.owner, payload=payload)
    assert Submission.objects.count() == 0


def test_an_sto_cannot_file_outside_its_area(world):
    with pytest.raises(PermissionDenied, match="outside your team's area"):
        world.record("voting", user=world.owner, payload=world.payload("voting", station=world.other_station))


def test_an_sto_does_not_file_meeting_records(world):
    with pytest.raises(PermissionDenied, match="long-term observers"):
        world.record("meeting", user=world.owner)


def test_an_lto_files_in_its_area_and_not_outside(world):
    submission, created = world.record("voting", user=world.lto)
    assert created and submission.team == world.lto_team

    with pytest.raises(PermissionDenied, match="outside your area of responsibility"):
        world.record("voting", user=world.lto, payload=world.payload("voting", station=world.other_station))


def test_a_coordinator_files_anywhere_in_the_mission(world):
    payload = {**world.payload("voting", station=world.other_station), "team": world.colleague_team.pk}
    submission, created = world.record("voting", user=world.coordinator, payload=payload)
    assert created and submission.team == world.colleague_team


def test_an_outsider_and_an_analyst_cannot_file(world):
    with pytest.raises(PermissionDenied, match="not a member"):
        world.record("voting", user=world.outsider)
    with pytest.raises(PermissionDenied, match="Only observers and coordinators"):
        world.record("voting", user=world.analyst)


class TestVisibility:
    @pytest.fixture
    def forms(self, world):
        own, _ = world.record("voting", user=world.owner)
        colleagues, _ = world.record("voting", user=world.colleague)
        elsewhere, _ = world.record(
            "voting",
            user=world.coordinator,
            payload={**world.payload("voting", station=world.other_station), "team": world.colleague_team.pk},
        )
        return own, colleagues, elsewhere

    def visible(self, world, user):
        return set(submissions_visible_to(actor=actor_for(user, world.mission)))

    def test_an_sto_sees_its_own_team_only(self, world, forms):
        own, colleagues, elsewhere = forms
        assert self.visible(world, world.owner) == {own}
        assert self.visible(world, world.teammate) == {own}
        assert submission_for_actor(actor=actor_for(world.owner, world.mission), uuid=colleagues.uuid) is None

    def test_an_lto_sees_its_area_and_the_coordinator_everything(self, world, forms):
        own, colleagues, elsewhere = forms
        assert self.visible(world, world.lto) == {own, colleagues}  # `elsewhere` lies outside the LTO's area
        assert self.visible(world, world.coordinator) == {own, colleagues, elsewhere}
        assert self.visible(world, world.analyst) == {own, colleagues, elsewhere}

    def test_an_outsider_sees_nothing(self, world, forms):
        assert self.visible(world, world.outsider) == set()


class TestConfidentialMeetingRecords:
    @pytest.fixture
    def record(self, world):
        payload = {**world.payload("meeting"), "confidential": True}
        submission, _ = world.record("meeting", user=world.lto, payload=payload)
        return submission

    def test_the_core_team_and_the_authoring_team_see_it(self, world, record):
        assert record.confidential
        for user in (world.coordinator, world.analyst, world.lto):
            assert record in submissions_visible_to(actor=actor_for(user, world.mission)), user

    def test_other_observers_do_not(self, world, record):
        other_lto_team_member = world.lto_team.members.exclude(membership__observer__user=world.lto).get()
        assert other_lto_team_member.membership.observer.user is None  # the LTO's teammate has no account here
        for user in (world.owner, world.colleague, world.outsider):
            assert record not in submissions_visible_to(actor=actor_for(user, world.mission)), user

    def test_a_non_confidential_record_is_seen_in_the_area(self, world):
        submission, _ = world.record("meeting", user=world.lto)
        # STOs see only their own team's forms, confidential or not.
        assert submission not in submissions_visible_to(actor=actor_for(world.owner, world.mission))
        assert submission in submissions_visible_to(actor=actor_for(world.lto, world.mission))


def test_urgent_incidents_are_listed_newest_first_in_constant_queries(world, django_assert_num_queries):
    calm, _ = world.record("voting")
    urgent, _ = world.record("voting", payload={**world.payload("voting"), "urgent": True, "notes": "Fight outside."})
    critical, _ = world.record("voting", intimidation="yes", intimidation_details="Police told voters how to vote.")

    with django_assert_num_queries(1):
        rows = [(s.team.code, s.polling_station.number, s.notes) for s in urgent_incidents(mission=world.mission)]

    assert rows == [("STO-001", "101", ""), ("STO-001", "101", "Fight outside.")]
    assert calm not in urgent_incidents(mission=world.mission)


def test_an_outsider_is_refused_before_the_form_is_read(world):
    with pytest.raises(PermissionDenied):
        world.record("voting", user=world.outsider, payload={"nonsense": True})
