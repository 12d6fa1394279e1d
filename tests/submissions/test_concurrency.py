"""Twenty identical posts at once leave exactly one row and raise nothing to any caller."""

import threading
import uuid

import pytest
from django.db import connections

from submissions.models import Answer, Submission, SubmissionRevision
from submissions.services import SubmissionConflict, submission_record
from tests.checklists.factories import build_world

THREADS = 20


def _race(world, payloads):
    """Post each payload from its own thread with its own connection, all released at the same moment."""
    form_uuid = uuid.uuid4()
    template = world.template("voting")
    barrier = threading.Barrier(len(payloads))
    results: list = [None] * len(payloads)

    def post(index, payload):
        try:
            barrier.wait(timeout=30)
            results[index] = submission_record(
                user=world.owner, mission=world.mission, uuid=form_uuid, template=template, payload=payload
            )
        except Exception as error:  # noqa: BLE001 - the test reports whatever a caller would have seen
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(i, p)) for i, p in enumerate(payloads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return form_uuid, results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_identical_posts_leave_one_row(mission):
    world = build_world(mission)
    payload = world.payload("voting")

    form_uuid, results = _race(world, [payload] * THREADS)

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    assert sum(1 for _, created in results if created) == 1
    assert len({submission.pk for submission, _ in results}) == 1
    assert Submission.objects.filter(uuid=form_uuid).count() == 1
    submission = Submission.objects.get(uuid=form_uuid)
    assert SubmissionRevision.objects.filter(submission=submission).count() == 1
    assert Answer.objects.filter(submission=submission).count() == len(submission.payload["answers"])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_posts_with_different_content_store_one_and_refuse_the_rest(mission):
    world = build_world(mission)
    calm, tense = world.payload("voting"), world.payload("voting", tension_nearby="yes")

    form_uuid, results = _race(world, [calm, tense] * (THREADS // 2))

    stored = Submission.objects.get(uuid=form_uuid)
    winner = "yes" if stored.payload["answers"]["tension_nearby"] == "yes" else "no"
    for payload, result in zip([calm, tense] * (THREADS // 2), results, strict=True):
        if payload["answers"]["tension_nearby"] == winner:
            assert isinstance(result, tuple) and result[0].pk == stored.pk
        else:
            assert isinstance(result, SubmissionConflict)
    assert Submission.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_sequential_replay_storm_leaves_one_row_on_any_database(mission):
    world = build_world(mission)
    payload = world.payload("voting")
    form_uuid = uuid.uuid4()
    outcomes = [world.record("voting", payload=payload, form_uuid=form_uuid)[1] for _ in range(THREADS)]
    assert outcomes.count(True) == 1
    assert Submission.objects.filter(uuid=form_uuid).count() == 1
