"""The set-based fill of revision snapshots writes exactly the rows the form-by-form fill wrote."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection

from submissions.models import Submission, SubmissionRevision
from submissions.services import submission_correct
from tests.checklists.factories import consistent_protocol
from tests.factories import MissionFactory
from tests.submissions.revision_fill_reference import forget_snapshots, form_by_form_fill, snapshot_rows

pytestmark = pytest.mark.django_db

fill_migration = importlib.import_module("submissions.migrations.0004_revision_snapshot_fill")


@pytest.fixture
def corrected_forms(world):
    """Forms of every shape the fill meets: untouched, answers changed, moved to another region, confidential flipped,
    a counting protocol that stopped adding up, a tabulation form, and a form corrected twice."""
    untouched, _ = world.record("voting")
    answers_changed, _ = world.record("voting")
    submission_correct(
        user=world.owner,
        submission=answers_changed,
        payload=world.payload("voting", ballot_box_stuffing_seen="yes", overall_assessment="very_bad"),
    )
    moved, _ = world.record("opening")
    submission_correct(
        user=world.coordinator, submission=moved, payload=world.payload("opening", station=world.other_station)
    )
    meeting, _ = world.record("meeting", user=world.lto)
    submission_correct(user=world.lto, submission=meeting, payload={**world.payload("meeting"), "confidential": True})
    counting, _ = world.record("counting", **consistent_protocol())
    submission_correct(
        user=world.owner,
        submission=counting,
        payload=world.payload("counting", **{**consistent_protocol(), "ballots_unused": 300}),
    )
    tabulation, _ = world.record("tabulation")
    twice, _ = world.record("voting", payload={**world.payload("voting"), "notes": "First."})
    submission_correct(user=world.owner, submission=twice, payload={**world.payload("voting"), "notes": "Second."})
    submission_correct(
        user=world.owner,
        submission=twice,
        payload={**world.payload("voting", long_queues="yes"), "notes": "Third.", "urgent": True},
    )
    return {
        "untouched": untouched,
        "answers_changed": answers_changed,
        "moved": moved,
        "meeting": meeting,
        "counting": counting,
        "tabulation": tabulation,
        "twice": twice,
    }


def test_the_set_based_fill_writes_exactly_the_rows_of_the_form_by_form_fill(world, corrected_forms):
    placeholder_mission = MissionFactory(slug="placeholder")
    forget_snapshots(placeholder_mission)
    form_by_form_fill(django_apps)
    reference_revisions, reference_answers = snapshot_rows()

    forget_snapshots(placeholder_mission)
    fill_migration.revision_snapshot_fill(django_apps, connection)
    revisions, answers = snapshot_rows()

    assert revisions == reference_revisions
    assert answers == reference_answers
    revision_count = sum(form.revisions.count() for form in corrected_forms.values())
    assert len(revisions) == revision_count == 13
    assert not SubmissionRevision.objects.filter(mission=placeholder_mission).exists()


def test_earlier_revisions_keep_the_form_as_it_stood_before_each_correction(world, corrected_forms):
    forget_snapshots(MissionFactory(slug="placeholder"))

    fill_migration.revision_snapshot_fill(django_apps, connection)

    def revisions_of(name):
        return list(SubmissionRevision.objects.filter(submission=corrected_forms[name]).order_by("revision"))

    before_move, after_move = revisions_of("moved")
    assert (before_move.region_id, after_move.region_id) == (world.region.pk, world.other_region.pk)
    assert before_move.valid_until == after_move.valid_from == after_move.changed_at
    assert after_move.valid_until is None
    before_flip, after_flip = revisions_of("meeting")
    assert (before_flip.confidential, after_flip.confidential) == (False, True)
    calm, alarmed = revisions_of("answers_changed")
    assert (calm.has_critical, alarmed.has_critical) == (False, True)
    assert (calm.overall_assessment, alarmed.overall_assessment) == ("good", "very_bad")
    assert calm.answers.get(question_code="ballot_box_stuffing_seen").value == "no"
    assert alarmed.answers.get(question_code="ballot_box_stuffing_seen").value == "yes"
    adding_up, broken = revisions_of("counting")
    assert (adding_up.protocol_mismatch, broken.protocol_mismatch) == (False, True)
    first, second, third = revisions_of("twice")
    assert [revision.notes for revision in (first, second, third)] == ["First.", "Second.", "Third."]
    assert first.valid_from == first.received_at == corrected_forms["twice"].received_at
    assert (first.valid_until, second.valid_until) == (second.changed_at, third.changed_at)
    current = SubmissionRevision.objects.get(submission=corrected_forms["untouched"])
    form = Submission.objects.get(pk=corrected_forms["untouched"].pk)
    assert current.answers.count() == form.answers.count() > 0


def test_the_fill_takes_the_same_number_of_statements_for_more_forms(world, corrected_forms, django_assert_num_queries):
    forget_snapshots(MissionFactory(slug="placeholder"))

    # Shared fields, current revisions, current answers; one batch of replaced revisions: read, stations, TECs,
    # questions, one prepared update and one prepared insert.
    with django_assert_num_queries(9):
        fill_migration.revision_snapshot_fill(django_apps, connection)
