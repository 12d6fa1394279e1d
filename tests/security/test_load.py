"""Election-night bursts: 200 concurrent posts, with replays and conflicting reuses of a form's UUID, lose nothing."""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from submissions.models import Answer, Submission
from tests.checklists.factories import answers_for
from tests.observe.conftest import build_site

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

UNIQUE_FORMS = 150
REPLAYS = 30  # the same UUID with the same content: an outbox resending after a lost answer
CONFLICTS = 20  # the same UUID with different content: a reused form
THREADS = 24


def test_two_hundred_concurrent_posts_store_every_unique_form_exactly_once(mission):
    site = build_site(mission)
    template = site.template("voting")
    url = reverse("observe:submission_collection", args=[mission.slug])
    observers = [site.owner, site.teammate]
    forms = []
    for number in range(UNIQUE_FORMS):
        body = {
            "uuid": str(uuid.uuid4()),
            "template": template.pk,
            "polling_station": site.opening_station.pk,
            "answers": answers_for(template),
            "notes": f"Visit {number}.",
        }
        forms.append(body)
    posts = [(body, "original") for body in forms]
    posts += [(body, "replay") for body in forms[:REPLAYS]]
    posts += [
        ({**body, "notes": body["notes"] + " Reused."}, "conflict") for body in forms[REPLAYS : REPLAYS + CONFLICTS]
    ]
    random.Random(2019).shuffle(posts)
    assert len(posts) == 200

    def post(index_and_post):
        index, (body, _kind) = index_and_post
        client = Client()
        client.force_login(observers[index % 2])
        try:
            response = client.post(url, data=json.dumps(body), content_type="application/json")
            return body["uuid"], body["notes"], response.status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(post, enumerate(posts)))

    statuses = Counter(status for _uuid, _notes, status in results)
    assert not [status for status in statuses if status >= 500], statuses
    assert set(statuses) <= {200, 201, 409}, statuses
    assert statuses[201] == UNIQUE_FORMS
    assert statuses[409] == CONFLICTS
    assert statuses[200] == REPLAYS

    by_uuid = defaultdict(list)
    for form_uuid, notes, status in results:
        by_uuid[form_uuid].append((notes, status))
    stored = {str(row.uuid): row for row in Submission.objects.filter(mission=mission)}
    assert len(stored) == UNIQUE_FORMS
    assert Submission.objects.filter(uuid__in=[body["uuid"] for body in forms]).count() == UNIQUE_FORMS
    for form_uuid, answers in by_uuid.items():
        winner = [notes for notes, status in answers if status == 201]
        assert len(winner) == 1, (form_uuid, answers)
        assert stored[form_uuid].notes == winner[0]  # the content that won is the content stored, whole

    per_form = Answer.objects.filter(submission__mission=mission).values("submission").distinct().count()
    assert per_form == UNIQUE_FORMS  # no form without its answers
    expected_answers = Answer.objects.filter(submission=next(iter(stored.values()))).count()
    assert Answer.objects.filter(submission__mission=mission).count() == expected_answers * UNIQUE_FORMS
