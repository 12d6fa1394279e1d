"""Incident e-mails are written in each recipient's language, on the mission's clock, naming the station as every
page does (its region and number)."""

import datetime
import io
import zoneinfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from incidents.services import case_notify, case_open
from observers.models import Observer
from submissions.models import Submission

pytestmark = pytest.mark.django_db

RECEIVED = datetime.datetime(2019, 6, 9, 9, 5, tzinfo=datetime.UTC)


def urgent_case(site):
    submission = site.record("voting", payload={**site.payload("voting"), "urgent": True})
    Submission.objects.filter(pk=submission.pk).update(received_at=RECEIVED)
    case, _created = case_open(submission=submission)
    return case


def mail_to(address):
    return next(message for message in mail.outbox if address in message.to)


def test_each_core_team_member_gets_the_new_case_in_their_language_else_the_missions(site):
    site.mission.language = "en"
    site.mission.save(update_fields=["language"])
    Observer.objects.filter(user=site.analyst).update(language="ru")
    analyst = Observer.objects.get(user=site.analyst).email
    coordinator = Observer.objects.get(user=site.coordinator).email
    case = urgent_case(site)

    sent = case_notify(case_id=case.pk)

    assert sent >= 2 and len(mail.outbox) == 2  # one e-mail per language
    russian, english = mail_to(analyst), mail_to(coordinator)
    assert coordinator not in russian.to and analyst not in english.to
    assert russian.subject == f"[{site.mission.name}] Срочно: Голосование"
    assert "Форма: Голосование" in russian.body and "Form:" not in russian.body
    assert english.subject == f"[{site.mission.name}] Urgent: Voting"
    assert "Form: Voting" in english.body


def test_a_russian_mission_writes_to_people_who_chose_no_language_in_russian(site):
    site.mission.language = "ru"
    site.mission.save(update_fields=["language"])
    case = urgent_case(site)

    case_notify(case_id=case.pk)

    assert len(mail.outbox) == 1
    assert "Срочно" in mail.outbox[0].subject


def test_the_new_case_email_names_the_station_by_region_and_number_on_the_missions_clock(site):
    case = urgent_case(site)
    local = RECEIVED.astimezone(zoneinfo.ZoneInfo(site.mission.time_zone))

    case_notify(case_id=case.pk)

    body = mail.outbox[0].body
    assert f"Place: Akmola — No. {case.submission.polling_station.number}\n" in body
    assert "PS " not in body
    assert f"Received: {local:%Y-%m-%d %H:%M} {local:%Z}" in body


def test_the_digest_is_written_in_each_recipients_language_with_the_station_label(site):
    Observer.objects.filter(user=site.analyst).update(language="ru")
    analyst = Observer.objects.get(user=site.analyst).email
    coordinator = Observer.objects.get(user=site.coordinator).email
    case = urgent_case(site)

    call_command("cases_digest", "--mission", site.mission.slug, stdout=io.StringIO())

    russian, english = mail_to(analyst), mail_to(coordinator)
    number = case.submission.polling_station.number
    assert "открыт" in russian.body and f"Akmola — УИК № {number}" in russian.body
    assert "incident case is open" in english.body and f"Akmola — No. {number}" in english.body


def test_the_case_pages_name_the_station_by_region_and_number(site, as_user):
    case = urgent_case(site)
    client = as_user(site.analyst)
    label = f"Akmola — No. {case.submission.polling_station.number}"
    for url in (
        reverse("incidents:cases", args=[site.mission.slug]),
        reverse("incidents:case", args=[site.mission.slug, case.pk]),
    ):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert label in page and "PS " not in page, url
        russian = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
        assert f"Akmola — УИК № {case.submission.polling_station.number}" in russian, url


def test_choosing_a_language_on_the_site_keeps_it_as_the_persons_email_language(site, as_user):
    client = as_user(site.analyst)

    response = client.post(reverse("set_language"), {"language": "ru", "next": "/"})

    assert response.status_code == 302
    assert Observer.objects.get(user=site.analyst).language == "ru"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert Observer.objects.get(user=site.analyst).language == "ru"


def test_the_digest_needs_the_same_queries_for_more_cases(site, django_assert_max_num_queries):
    from incidents.models import Case
    from incidents.services import cases_digest

    Observer.objects.filter(user=site.analyst).update(language="ru")  # two languages: the e-mail is written twice
    urgent_case(site)
    with django_assert_max_num_queries(20) as few:
        cases_digest(mission=site.mission)
    for _index in range(5):
        urgent_case(site)
    Case.objects.update(assignee=site.coordinator)
    mail.outbox.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        summary = cases_digest(mission=site.mission)
    assert summary["open"] == 6 and len(mail.outbox) == 2
    assert all(message.body.count("Akmola — ") == 6 for message in mail.outbox)
