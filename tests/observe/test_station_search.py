"""The observers' "another station" search: numbers restart per region, so a station is found by region and number."""

import re

import pytest
from django.urls import reverse

from tests.factories import PollingStationFactory

pytestmark = pytest.mark.django_db


def _found(page: str) -> list[str]:
    return re.findall(r"<strong>([^<]+ — No\. [^<]+)</strong>", page)


@pytest.fixture
def two_pecs_no_1(site):
    """PEC No. 1 in both regions of the site, as in a list numbered per region."""
    return (
        PollingStationFactory(mission=site.mission, region=site.region, tec=site.tec, number="1"),
        PollingStationFactory(mission=site.mission, region=site.other_region, tec=site.other_tec, number="1"),
    )


def test_the_coordinator_finds_pec_no_1_of_each_region_exact_numbers_first(as_user, site, two_pecs_no_1):
    url = reverse("observe:station_search", args=[site.mission.slug])
    page = as_user(site.coordinator).get(url, {"number": "1"}).content.decode()
    assert _found(page) == [
        "Akmola — No. 1",
        "Atyrau — No. 1",
        "Akmola — No. 101",
        "Akmola — No. 102",
        "Akmola — No. 150",
    ]


def test_choosing_a_region_keeps_only_its_pec_no_1(as_user, site, two_pecs_no_1):
    akmola_no_1, atyrau_no_1 = two_pecs_no_1
    url = reverse("observe:station_search", args=[site.mission.slug])
    page = as_user(site.coordinator).get(url, {"number": "1", "region": site.other_region.pk}).content.decode()
    assert _found(page) == ["Atyrau — No. 1"]
    voting = reverse("observe:form_new", args=[site.mission.slug, "voting"])
    assert f"{voting}?station={atyrau_no_1.pk}" in page
    assert f"station={akmola_no_1.pk}" not in page


def test_the_team_finds_only_the_pec_no_1_of_its_own_region_whatever_region_it_asks_for(
    as_user, site, two_pecs_no_1, django_assert_max_num_queries
):
    url = reverse("observe:station_search", args=[site.mission.slug])
    client = as_user(site.owner)
    page = client.get(url, {"number": "1"}).content.decode()
    assert _found(page) == ["Akmola — No. 1", "Akmola — No. 101", "Akmola — No. 102", "Akmola — No. 150"]
    with django_assert_max_num_queries(14):
        page = client.get(url, {"number": "1", "region": site.other_region.pk}).content.decode()
    assert "Atyrau — No. 1" not in page and "Akmola — No. 1" in page


def test_in_russian_each_station_found_names_its_region_and_pec_number(as_user, site, two_pecs_no_1):
    client = as_user(site.coordinator)
    client.post(reverse("set_language"), {"language": "ru", "next": reverse("observe:home")})
    url = reverse("observe:station_search", args=[site.mission.slug])
    page = client.get(url, {"number": "1"}).content.decode()
    assert "<strong>Akmola — УИК № 1</strong>" in page and "<strong>Atyrau — УИК № 1</strong>" in page
    assert "Все регионы вашего района" in page
