"""The coordinators' admin for forms: a changelist in constant queries, read-only revisions, locking a phase."""

import pytest
from django.urls import reverse

from checklists.choices import FormKind
from submissions.models import PhaseLock
from tests.checklists.factories import consistent_protocol

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client, world):
    world.coordinator.is_staff = True
    world.coordinator.save()
    client.force_login(world.coordinator)
    return client


def test_the_changelist_runs_in_constant_queries(
    world, coordinator_client, django_assert_max_num_queries, django_assert_num_queries
):
    url = reverse("admin:submissions_submission_changelist")
    world.record("voting")
    # Session, user, the user's actors, the region and mission filters (the user's scope, never a scan of the forms),
    # the count, the page with its relations, and the admin's own reads: the same whatever the number of forms.
    with django_assert_max_num_queries(12) as few:
        assert coordinator_client.get(url).status_code == 200
    for _ in range(15):
        world.record("voting")
        world.record("counting", **consistent_protocol())
    with django_assert_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(url)
    assert response.status_code == 200
    assert response.content.count(b'class="action-select"') == 31


def test_the_changelist_searches_by_station_number_and_team_code(world, coordinator_client):
    world.record("voting")
    url = reverse("admin:submissions_submission_changelist")
    world.record("voting", user=world.colleague)

    def found(query):
        return coordinator_client.get(url, {"q": query}).context["cl"].result_count

    assert found("STO-001") == 1
    assert found("STO-999") == 0
    assert found("101") == 2


def test_a_form_page_shows_its_revisions_read_only(world, coordinator_client):
    submission, _ = world.record("voting")
    response = coordinator_client.get(reverse("admin:submissions_submission_change", args=[submission.pk]))
    assert response.status_code == 200
    assert b"revisions-0-changes" not in response.content  # no editable revision fields
    assert b'name="_save"' not in response.content


def test_the_lock_action_locks_the_phase_of_the_selected_forms(world, coordinator_client):
    submission, _ = world.record("voting")
    response = coordinator_client.post(
        reverse("admin:submissions_submission_changelist"),
        {"action": "lock_phase", "_selected_action": [submission.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert PhaseLock.objects.filter(mission=world.mission, kind=FormKind.VOTING).exists()


def test_a_colleague_is_kept_out_of_the_admin(world, client):
    client.force_login(world.colleague)
    response = client.get(reverse("admin:submissions_submission_changelist"))
    assert response.status_code == 302 and "login" in response.url


def test_the_changelist_draws_the_same_checkbox_as_djangos_widget(world, coordinator_client):
    from django.contrib import admin

    from submissions.models import Submission

    submission, _ = world.record("voting")
    response = coordinator_client.get(reverse("admin:submissions_submission_changelist"))
    django_checkbox = admin.ModelAdmin.action_checkbox(admin.site._registry[Submission], submission)
    assert str(django_checkbox) in response.content.decode()


def test_the_changelist_reads_neither_the_forms_body_nor_relations_it_does_not_show(
    world, coordinator_client, django_assert_max_num_queries
):
    world.record("voting")
    with django_assert_max_num_queries(12) as captured:
        coordinator_client.get(reverse("admin:submissions_submission_changelist"))
    (page,) = [
        query["sql"]
        for query in captured.captured_queries
        if '"submissions_submission"."uuid"' in query["sql"] and "ORDER BY" in query["sql"]
    ]
    assert "payload" not in page
    assert "checklists_formtemplate" not in page and "auth_user" not in page


def test_the_changelist_counts_up_to_its_cap_and_says_so_past_it(
    world, coordinator_client, monkeypatch, django_assert_max_num_queries
):
    from submissions.admin import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 2)
    url = reverse("admin:submissions_submission_changelist")
    for _ in range(2):
        world.record("voting")
    assert coordinator_client.get(url).context["cl"].result_count == 2
    assert b"2 submissions" in coordinator_client.get(url).content

    world.record("voting")
    with django_assert_max_num_queries(12) as captured:
        response = coordinator_client.get(url)
    page = response.content.decode()
    assert "2+ submissions" in page
    assert page.count('class="action-select"') == 3  # the rows themselves are all listed
    (count,) = [query["sql"] for query in captured.captured_queries if "COUNT(" in query["sql"]]
    assert "LIMIT 3" in count
