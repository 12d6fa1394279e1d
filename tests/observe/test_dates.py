"""The meeting date and the report week are real dates: date and week pickers, checked by the server with a message."""

import json
import uuid

import pytest
from django.urls import reverse

from submissions.models import Submission

pytestmark = pytest.mark.django_db


def _post(client, site, kind, **answers):
    body = {"uuid": str(uuid.uuid4()), "template": site.template(kind).pk, **site.payload(kind, **answers)}
    response = client.post(
        reverse("observe:submission_collection", args=[site.mission.slug]),
        data=json.dumps(body),
        content_type="application/json",
    )
    return response, body["uuid"]


def test_the_lto_forms_offer_a_date_picker_and_a_week_picker(as_user, site):
    client = as_user(site.lto)
    meeting = client.get(reverse("observe:form_new", args=[site.mission.slug, "meeting"])).content.decode()
    weekly = client.get(reverse("observe:form_new", args=[site.mission.slug, "lto_weekly"])).content.decode()
    assert 'name="meeting_date" type="date"' in meeting
    assert 'name="reporting_period" type="week"' in weekly


def test_a_meeting_date_is_stored_as_an_iso_date(as_user, site):
    response, form_uuid = _post(as_user(site.lto), site, "meeting", meeting_date="2019-05-24")
    assert response.status_code == 201, response.content
    assert Submission.objects.get(uuid=form_uuid).payload["answers"]["meeting_date"] == "2019-05-24"


@pytest.mark.parametrize("typed", ["24 May 2019", "2019-02-30", "1899-05-24", "24.05.2019"])
def test_a_meeting_date_that_is_not_a_date_is_refused_with_a_message(as_user, site, typed):
    response, form_uuid = _post(as_user(site.lto), site, "meeting", meeting_date=typed)
    assert response.status_code == 400
    assert response.json()["errors"]["meeting_date"] == ["Enter a date as YYYY-MM-DD."]
    assert not Submission.objects.filter(uuid=form_uuid).exists()


@pytest.mark.parametrize(("typed", "stored"), [("2019-W21", "2019-05-20"), ("2019-05-20", "2019-05-20")])
def test_a_report_week_is_stored_as_its_monday(as_user, site, typed, stored):
    response, form_uuid = _post(as_user(site.lto), site, "lto_weekly", reporting_period=typed)
    assert response.status_code == 201, response.content
    assert Submission.objects.get(uuid=form_uuid).payload["answers"]["reporting_period"] == stored


def test_a_report_week_given_by_another_day_names_its_monday(as_user, site):
    response, form_uuid = _post(as_user(site.lto), site, "lto_weekly", reporting_period="2019-05-22")
    assert response.status_code == 400
    assert response.json()["errors"]["reporting_period"] == [
        "Give the week by the date of its Monday (2019-05-20 for this day)."
    ]
    assert not Submission.objects.filter(uuid=form_uuid).exists()


@pytest.mark.parametrize("typed", ["week 3", "20-26 May 2019", "2019-W54"])
def test_a_report_week_that_is_not_a_week_is_refused_with_a_message(as_user, site, typed):
    response, _ = _post(as_user(site.lto), site, "lto_weekly", reporting_period=typed)
    assert response.status_code == 400
    assert response.json()["errors"]["reporting_period"] == [
        "Enter a week as YYYY-Www, or the date of its Monday as YYYY-MM-DD."
    ]


def test_the_form_sent_shows_the_report_week_by_its_monday(as_user, site):
    client = as_user(site.lto)
    _, form_uuid = _post(client, site, "lto_weekly", reporting_period="2019-W21")
    page = client.get(reverse("observe:submission_detail", args=[site.mission.slug, form_uuid])).content.decode()
    assert "Week of Monday 2019-05-20" in page


def test_the_week_message_reaches_the_browser_in_russian(as_user, site):
    client = as_user(site.lto)
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    response, _ = _post(client, site, "lto_weekly", reporting_period="2019-05-22")
    assert response.json()["errors"]["reporting_period"] == [
        "Укажите неделю датой её понедельника (для этого дня — 2019-05-20)."
    ]
