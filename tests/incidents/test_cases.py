"""Incident follow-up: an urgent form opens a case, the core team is told, follows it up, and the observers see it."""

import io
import uuid

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from incidents.models import Case, CaseNote
from observers.choices import MemberRole, MemberStatus
from observers.models import Membership
from submissions.models import Submission
from submissions.services import submission_correct, submission_record
from tests.factories import MembershipFactory, ObserverFactory

pytestmark = pytest.mark.django_db


def core_team_addresses(mission) -> set[str]:
    core = Membership.objects.filter(mission=mission, role__in=[MemberRole.HEAD_OF_MISSION, MemberRole.CORE_TEAM])
    return set(core.exclude(status=MemberStatus.WITHDRAWN).values_list("observer__email", flat=True))


def urgent(site, **extra):
    return {**site.payload("voting"), "urgent": True, "notes": "Ballot box stuffing seen at 10:40.", **extra}


def case_url(site, case):
    return reverse("incidents:case", args=[site.mission.slug, case.pk])


# ----------------------------------------------------------------------------------------------- opening


def test_an_urgent_form_opens_a_case_and_emails_the_core_team_once_committed(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submission = site.record("voting", payload=urgent(site))

    case = Case.objects.get(submission=submission)
    assert case.status == "new" and case.mission == site.mission
    assert case.notified_at is not None
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == core_team_addresses(site.mission)
    assert "Ballot box stuffing seen at 10:40." in mail.outbox[0].body
    assert case_url(site, case) in mail.outbox[0].body


def test_a_form_that_is_neither_urgent_nor_critical_opens_no_case(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        site.record("voting")

    assert Case.objects.count() == 0
    assert mail.outbox == []


def test_sending_the_same_urgent_form_again_opens_one_case_and_sends_one_email(
    site, django_capture_on_commit_callbacks
):
    payload = urgent(site)
    form_uuid = uuid.uuid4()
    template = site.template("voting")
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(2):
            submission_record(user=site.owner, mission=site.mission, uuid=form_uuid, template=template, payload=payload)

    assert Case.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_correction_that_marks_a_form_urgent_opens_its_case(site, django_capture_on_commit_callbacks):
    submission = site.record("voting")

    with django_capture_on_commit_callbacks(execute=True):
        submission_correct(user=site.owner, submission=submission, payload=urgent(site))

    assert Case.objects.filter(submission=submission).count() == 1


def test_a_failing_follow_up_never_fails_or_undoes_the_submission(
    site, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("mail server on fire")

    monkeypatch.setattr("incidents.receivers.case_open", broken)

    with django_capture_on_commit_callbacks(execute=True):
        submission, created = submission_record(
            user=site.owner,
            mission=site.mission,
            uuid=uuid.uuid4(),
            template=site.template("voting"),
            payload=urgent(site),
        )

    assert created
    assert Submission.objects.filter(pk=submission.pk).exists()
    assert Case.objects.count() == 0


def test_the_browser_submit_endpoint_opens_the_case_after_answering(as_user, site, django_capture_on_commit_callbacks):
    client = as_user(site.owner)
    body = {"uuid": str(uuid.uuid4()), "template": site.template("voting").pk, **urgent(site)}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("observe:submission_collection", args=[site.mission.slug]),
            body,
            content_type="application/json",
        )

    assert response.status_code == 201
    assert Case.objects.filter(submission__uuid=body["uuid"]).exists()


# ----------------------------------------------------------------------------------------------- follow-up


def test_a_coordinator_acknowledges_assigns_notes_and_closes_a_case(as_user, site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submission = site.record("voting", payload=urgent(site))
    case = Case.objects.get(submission=submission)
    client = as_user(site.coordinator)

    client.post(
        case_url(site, case), {"status": "acknowledged", "assignee": site.analyst.pk, "text": "Calling LTO-01."}
    )
    client.post(case_url(site, case), {"status": "closed", "text": "CEC informed; complaint filed."})

    case.refresh_from_db()
    assert case.status == "closed" and case.closed_at is not None
    assert case.assignee == site.analyst
    log = list(CaseNote.objects.filter(case=case).values_list("status", "text"))
    assert log == [("acknowledged", "Calling LTO-01."), ("closed", "CEC informed; complaint filed.")]


def test_an_analyst_colleague_may_follow_up_a_case_too(as_user, site):
    case = Case.objects.create(mission=site.mission, submission=site.record("voting", payload=urgent(site)))

    as_user(site.analyst).post(case_url(site, case), {"status": "followed_up", "text": "Checked with the LTO."})

    case.refresh_from_db()
    assert case.status == "followed_up"


def test_a_case_is_assigned_only_to_the_core_team(as_user, site):
    case = Case.objects.create(mission=site.mission, submission=site.record("voting", payload=urgent(site)))

    as_user(site.coordinator).post(case_url(site, case), {"assignee": site.owner.pk})

    case.refresh_from_db()
    assert case.assignee is None
    assert CaseNote.objects.count() == 0


@pytest.mark.parametrize("who", ["owner", "lto"])
def test_observers_cannot_change_a_case(as_user, site, who):
    case = Case.objects.create(mission=site.mission, submission=site.record("voting", payload=urgent(site)))

    response = as_user(getattr(site, who)).post(case_url(site, case), {"status": "closed"})

    assert response.status_code == (403 if who == "owner" else 404)  # a case the LTO cannot see is not confirmed
    case.refresh_from_db()
    assert case.status == "new"


# ----------------------------------------------------------------------------------------------- who sees what


def test_the_sto_team_sees_the_follow_up_status_of_its_own_report(as_user, site):
    submission = site.record("voting", payload=urgent(site))
    case = Case.objects.create(mission=site.mission, submission=submission, status="followed_up")
    CaseNote.objects.create(case=case, author=site.coordinator, text="Internal: called the TEC chair.")
    client = as_user(site.teammate)

    listing = client.get(reverse("incidents:cases", args=[site.mission.slug]))
    detail = client.get(reverse("observe:submission_detail", args=[site.mission.slug, submission.uuid]))
    page = client.get(case_url(site, case))

    assert [row.pk for row in listing.context["cases"]] == [case.pk]
    assert 'data-case-status="followed_up"' in detail.content.decode()
    assert 'data-case-status="followed_up"' in page.content.decode()
    assert "Internal: called the TEC chair." not in page.content.decode()


def test_another_team_and_an_outsider_do_not_see_the_case(as_user, site):
    case = Case.objects.create(mission=site.mission, submission=site.record("voting", payload=urgent(site)))

    other_team = as_user(site.other_sto)
    assert other_team.get(case_url(site, case)).status_code == 404
    assert other_team.get(reverse("incidents:cases", args=[site.mission.slug])).context["cases"] == []
    assert as_user(site.outsider).get(case_url(site, case)).status_code == 404
    assert as_user(site.outsider).get(reverse("incidents:cases", args=[site.mission.slug])).status_code == 404


def test_an_unknown_case_is_not_found(as_user, site):
    assert as_user(site.coordinator).get(reverse("incidents:case", args=[site.mission.slug, 999999])).status_code == 404


def test_the_case_list_needs_the_same_queries_for_more_cases(as_user, site, django_assert_max_num_queries):
    client = as_user(site.coordinator)
    url = reverse("incidents:cases", args=[site.mission.slug]) + "?status=all"
    Case.objects.create(mission=site.mission, submission=site.record("voting", payload=urgent(site)))
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _index in range(4):
        Case.objects.create(mission=site.mission, submission=site.record("voting", payload=urgent(site)))

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["cases"]) == 5


# ----------------------------------------------------------------------------------------------- digest


def test_the_digest_opens_cases_for_urgent_forms_that_came_without_one_and_lists_the_open_ones(site):
    first = site.record("voting", payload=urgent(site))
    second = site.record("voting", payload=urgent(site, notes="Observers asked to leave."))
    closed = Case.objects.create(mission=site.mission, submission=site.record("voting", payload=urgent(site)))
    Case.objects.filter(pk=closed.pk).update(status="closed", closed_at=closed.opened_at)

    call_command("cases_digest", "--mission", site.mission.slug, stdout=io.StringIO())

    assert set(Case.objects.filter(status="new").values_list("submission_id", flat=True)) == {first.pk, second.pk}
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == core_team_addresses(site.mission)
    assert "2 incident cases are open" in mail.outbox[0].body


def test_the_digest_is_quiet_when_nothing_is_open(site):
    site.record("voting")

    call_command("cases_digest", stdout=io.StringIO())

    assert mail.outbox == []


def test_a_withdrawn_member_of_the_core_team_is_not_emailed(site, django_capture_on_commit_callbacks):
    gone = ObserverFactory(mission=site.mission, email="gone@example.org")
    MembershipFactory(mission=site.mission, observer=gone, role=MemberRole.CORE_TEAM, status=MemberStatus.WITHDRAWN)

    with django_capture_on_commit_callbacks(execute=True):
        site.record("voting", payload=urgent(site))

    assert "gone@example.org" not in mail.outbox[0].to


def test_the_digest_is_declared_in_the_one_beat_schedule_beside_the_other_periodic_tasks():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "incidents.digest" in tasks
    assert "reports.autocompile" in tasks  # declared beside the others, not replacing them
