"""Corrections keep every version until coordinators lock the phase."""

import pytest
from django.core.exceptions import PermissionDenied

from checklists.choices import FormKind
from submissions.choices import SubmissionStatus
from submissions.models import PhaseLock, Submission
from submissions.services import phase_lock, phase_unlock, submission_correct

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(world):
    submission, _ = world.record("voting", user=world.owner)
    return submission


def test_the_team_corrects_its_form_and_every_version_is_kept(world, form):
    payload = world.payload("voting", group_voting="yes", overall_assessment="bad")

    corrected = submission_correct(user=world.teammate, submission=form, payload=payload)

    assert corrected.revision == 2 and corrected.status == SubmissionStatus.CORRECTED
    assert corrected.overall_assessment == "bad"
    assert corrected.answers.get(question_code="group_voting").value == "yes"
    first, second = corrected.revisions.order_by("revision")
    assert first.payload["answers"]["group_voting"] == "no"
    assert second.changes == {"group_voting": ["no", "yes"], "overall_assessment": ["good", "bad"]}
    assert second.changed_by == world.teammate
    assert corrected.answers.filter(question_code="group_voting").count() == 1


def test_resending_the_same_content_adds_no_revision(world, form):
    again = submission_correct(user=world.owner, submission=form, payload=world.payload("voting"))
    assert again.revision == 1 and again.revisions.count() == 1


def test_a_replay_of_the_first_version_after_a_correction_is_not_a_conflict(world, form):
    original = world.payload("voting")
    submission_correct(user=world.owner, submission=form, payload=world.payload("voting", group_voting="yes"))

    replay, created = world.record("voting", payload=original, form_uuid=form.uuid)

    assert not created and replay.pk == form.pk
    replay.refresh_from_db()
    assert replay.revision == 2


def test_a_coordinator_may_correct_any_form(world, form):
    corrected = submission_correct(
        user=world.coordinator, submission=form, payload=world.payload("voting", long_queues="yes")
    )
    assert corrected.team == world.team  # the correction keeps the form's team
    assert corrected.revisions.last().changed_by == world.coordinator


def test_another_team_cannot_correct_the_form(world, form):
    with pytest.raises(PermissionDenied, match="Only the team that submitted"):
        submission_correct(user=world.colleague, submission=form, payload=world.payload("voting", long_queues="yes"))
    form.refresh_from_db()
    assert form.revision == 1


def test_corrections_are_refused_once_the_phase_is_locked(world, form):
    phase_lock(mission=world.mission, kind=FormKind.VOTING, user=world.coordinator)

    with pytest.raises(PermissionDenied, match="locked the voting phase"):
        submission_correct(user=world.owner, submission=form, payload=world.payload("voting", long_queues="yes"))

    form.refresh_from_db()
    assert form.revision == 1 and form.status == SubmissionStatus.LOCKED


def test_unlocking_reopens_corrections(world, form):
    phase_lock(mission=world.mission, kind=FormKind.VOTING, user=world.coordinator)
    assert phase_unlock(mission=world.mission, kind=FormKind.VOTING, user=world.coordinator)

    form.refresh_from_db()
    assert form.status == SubmissionStatus.SUBMITTED
    assert submission_correct(user=world.owner, submission=form, payload=world.payload("voting", long_queues="yes"))


def test_a_lock_on_one_phase_leaves_the_others_open(world):
    opening, _ = world.record("opening")
    phase_lock(mission=world.mission, kind=FormKind.VOTING, user=world.coordinator)
    corrected = submission_correct(
        user=world.owner, submission=opening, payload=world.payload("opening", boxes_sealed="no")
    )
    assert corrected.revision == 2


def test_only_coordinators_lock_phases(world):
    for user in (world.owner, world.lto, world.analyst, world.outsider):
        with pytest.raises(PermissionDenied):
            phase_lock(mission=world.mission, kind=FormKind.VOTING, user=user)
    assert not PhaseLock.objects.exists()


def test_locking_twice_changes_nothing(world):
    first = phase_lock(mission=world.mission, kind=FormKind.COUNTING, user=world.coordinator)
    second = phase_lock(mission=world.mission, kind=FormKind.COUNTING, user=world.coordinator)
    assert first.pk == second.pk and PhaseLock.objects.count() == 1


def test_a_late_form_in_a_locked_phase_is_kept(world):
    phase_lock(mission=world.mission, kind=FormKind.VOTING, user=world.coordinator)
    late, created = world.record("voting")
    other, _ = world.record("incident")
    assert created and late.status == SubmissionStatus.LOCKED
    assert Submission.objects.get(pk=late.pk).status == SubmissionStatus.LOCKED
    assert Submission.objects.get(pk=other.pk).status == SubmissionStatus.SUBMITTED == other.status
