"""A form's history reads as the form does: question texts and answer labels, not codes and stored values."""

import pytest
from django.urls import reverse

from submissions.services import submission_correct

pytestmark = pytest.mark.django_db


def test_a_correction_is_shown_with_question_texts_and_answer_labels(as_user, site):
    submission = site.record("voting", voters_turned_away="yes", turned_away_reasons=["not_on_list"])
    corrected = site.payload("voting", voters_turned_away="yes", turned_away_reasons=["no_id", "wrong_station"])
    submission_correct(user=site.owner, submission=submission, payload={**corrected, "urgent": True})
    url = reverse("observe:submission_detail", args=[site.mission.slug, submission.uuid])

    page = as_user(site.owner).get(url).content.decode()
    assert (
        "Why were they turned away?: Not on the voter list → No valid identity document, Wrong polling station" in page
    )
    assert "Urgent: No → Yes" in page
    assert "[&#x27;no_id&#x27;" not in page and "['no_id'" not in page
    assert "<code>turned_away_reasons</code>" not in page

    page = as_user(site.owner).get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert (
        "По какой причине им отказали?: Нет в списке избирателей → Нет действительного документа, Не тот участок"
        in page
    )
    assert "Срочно: Нет → Да" in page
