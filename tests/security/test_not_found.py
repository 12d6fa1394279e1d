"""What a user may not see answers exactly like what does not exist: 404, never a 403 that confirms it is there.

An outsider (an account with no role in the mission, here an STO of another mission) must not learn that a mission's
slug, a form's UUID, a team or a station exists; an observer must not learn it of another team's form or team.
"""

import copy
import uuid

import pytest
from django.urls import reverse

from reports.services import report_run_compile, report_run_create
from tests.factories import kazakhstan_2019
from tests.observe.conftest import build_site
from tests.once import once_per_module

pytestmark = pytest.mark.django_db

UNKNOWN_SLUG = "no-such-mission"


def _answer(client, url):
    """Status and body: a hidden object must be indistinguishable from a missing one."""
    response = client.get(url)
    return response.status_code, response.content


@pytest.fixture(scope="module")
def site_once(request):
    return once_per_module(request, "site", lambda: build_site(kazakhstan_2019()))


@pytest.fixture
def site(site_once, mission):
    return copy.deepcopy(site_once) if site_once is not None else build_site(mission)


@pytest.fixture
def as_user(client):
    def login(user):
        client.logout()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def theirs(site):
    """A form filed by another team of the same mission."""
    return site.record("voting", user=site.other_sto, station=site.other_station)


def test_another_teams_form_answers_like_a_forged_uuid(as_user, site, theirs):
    owner = as_user(site.owner)
    forged = uuid.uuid4()
    for name in ("observe:submission_detail", "observe:submission_edit"):
        hidden = _answer(owner, reverse(name, args=[site.mission.slug, theirs.uuid]))
        missing = _answer(owner, reverse(name, args=[site.mission.slug, forged]))
        assert hidden[0] == 404, name
        assert hidden == missing, name
    # The other team itself still reaches it: the 404 is about the owner, not the form.
    detail = reverse("observe:submission_detail", args=[site.mission.slug, theirs.uuid])
    assert as_user(site.other_sto).get(detail).status_code == 200


def test_a_form_of_another_mission_answers_like_a_forged_uuid_to_its_own_filer(as_user, site, theirs):
    outsider = as_user(site.outsider)
    own_mission = site.outsider.observer_records.get().mission
    for slug in (site.mission.slug, own_mission.slug):
        url = reverse("observe:submission_detail", args=[slug, theirs.uuid])
        assert outsider.get(url).status_code == 404, slug


def test_an_outsider_gets_404_on_every_observer_page_as_for_a_mission_that_does_not_exist(as_user, site, theirs):
    outsider = as_user(site.outsider)
    pages = {
        "observe:submission_collection": (),
        "observe:station_search": (),
        "observe:lto_area": (),
        "observe:incidents": (),
        "observe:incidents_feed": (),
        "observe:form_new": ("voting",),
        "observe:team_detail": (site.team.pk,),
        "observe:submission_detail": (theirs.uuid,),
    }
    for name, args in pages.items():
        real = outsider.get(reverse(name, args=[site.mission.slug, *args])).status_code
        unknown = outsider.get(reverse(name, args=[UNKNOWN_SLUG, *args])).status_code
        assert real == unknown == 404, name


def test_a_team_or_station_outside_the_area_answers_like_one_that_does_not_exist(as_user, site):
    owner = as_user(site.owner)
    team = reverse("observe:team_detail", args=[site.mission.slug, site.other_team.pk])
    no_team = reverse("observe:team_detail", args=[site.mission.slug, 999_999])
    assert _answer(owner, team)[0] == 404
    assert _answer(owner, team) == _answer(owner, no_team)
    form = reverse("observe:form_new", args=[site.mission.slug, "voting"])
    outside = owner.get(form, {"station": site.other_station.pk})
    nowhere = owner.get(form, {"station": 999_999})
    assert outside.status_code == nowhere.status_code == 404
    assert outside.content == nowhere.content


@pytest.fixture
def run(site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    created = report_run_create(mission=site.mission, kinds=["voting"])
    report_run_compile(run_id=created.pk)
    return created


def test_an_outsider_gets_404_on_the_reports_runs_and_exports_of_the_mission(as_user, site, run):
    outsider = as_user(site.outsider)
    urls = [
        reverse("reports:mission", args=[site.mission.slug]),
        reverse("reports:dashboard", args=[site.mission.slug]),
        reverse("reports:dashboard_data", args=[site.mission.slug]),
        reverse("reports:run", args=[run.pk]),
        reverse("reports:run_status", args=[run.pk]),
        reverse("reports:run_compare", args=[run.pk]) + f"?with={run.pk}",
        *(reverse("reports:run_export", args=[run.pk, fmt]) for fmt in ("xlsx", "csv", "pdf")),
    ]
    for url in urls:
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(reverse("reports:mission", args=[site.mission.slug])).status_code == 404
    assert outsider.get(reverse("reports:run", args=[run.pk + 1000])).status_code == 404


def test_an_outsider_gets_404_on_planning_its_exports_jobs_and_posts(as_user, site):
    outsider = as_user(site.outsider)
    slug = site.mission.slug
    for url in (
        reverse("deployment:planning", args=[slug]),
        reverse("deployment:export", args=[slug, "csv"]),
        reverse("deployment:export", args=[slug, "xlsx"]),
        reverse("deployment:job-status", args=[slug, 1]),
    ):
        assert outsider.get(url).status_code == 404, url
    for name in ("lock", "move", "swap"):
        assert outsider.post(reverse(f"deployment:{name}", args=[slug]), {"team": site.team.pk}).status_code == 404


def test_an_outsider_gets_404_on_the_results_and_the_cockpit(as_user, site):
    outsider = as_user(site.outsider)
    for url in (
        reverse("results:mission", args=[site.mission.slug]),
        reverse("results:export", args=[site.mission.slug, "csv"]),
        reverse("cockpit:mission", args=[site.mission.slug]),
    ):
        assert outsider.get(url).status_code == 404, url
