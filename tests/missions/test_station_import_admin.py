"""The admin's station import page and station list: a CEC's list as published, stations shown by region."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from missions.models import PollingStation, Region
from observers.choices import MemberRole
from tests.factories import (
    MembershipFactory,
    ObserverFactory,
    PollingStationFactory,
    RegionFactory,
    TecFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(mission):
    user = UserFactory(username="coordinator")
    MembershipFactory(
        mission=mission,
        observer=ObserverFactory(mission=mission, user=user),
        role=MemberRole.CORE_TEAM,
        core_function="lto_coordinator",
    )
    return user


ROWS = [
    ("Акмолинская область", "Ленинская районная ТИК", 1, "ул. Абая, 1", 1850),
    ("Акмолинская область", "Ленинская районная ТИК", 2, "ул. Абая, 2", None),
    ("Павлодарская область", "Ленинская районная ТИК", 1, "ул. Ленина, 5", 920),
]
MAPPING = "region=Область\ntec_name=ТИК\nnumber=Номер участка\naddress=Адрес\nregistered_voters=Избирателей\n"


def _xlsx(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Область", "ТИК", "Номер участка", "Адрес", "Избирателей"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("cec.xlsx", buffer.getvalue())


def test_the_coordinator_imports_a_cec_workbook_with_its_own_headers_creating_its_regions(
    client, coordinator, mission, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = reverse("admin:missions_pollingstation_import")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"mission": mission.pk, "file": _xlsx(ROWS), "columns": MAPPING, "create_geography": "on"}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    imported = sorted(
        PollingStation.objects.filter(mission=mission).values_list(
            "region__name", "tec__name", "number", "address", "registered_voters"
        )
    )
    assert imported == sorted((r, t, str(n), a, v) for r, t, n, a, v in ROWS)
    assert Region.objects.filter(mission=mission).count() == len({row[0] for row in ROWS})


def test_without_creating_regions_the_page_lists_the_unknown_region_on_every_row(
    client, coordinator, mission, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = reverse("admin:missions_pollingstation_import")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"mission": mission.pk, "file": _xlsx(ROWS), "columns": MAPPING})
    page = client.get(response.headers["Location"]).content.decode()
    for line, (region, *_rest) in enumerate(ROWS, start=2):
        assert f"row {line}, region: &#x27;{region}&#x27; is not a region of this mission" in page
    assert not PollingStation.objects.exists()


def test_a_mapping_to_no_field_is_refused_on_the_form(client, coordinator, mission):
    client.force_login(coordinator)
    url = reverse("admin:missions_pollingstation_import")
    page = client.post(url, {"mission": mission.pk, "file": _xlsx(ROWS), "columns": "nomer=Номер"}).content.decode()
    assert "&#x27;nomer&#x27; is not a field of a station list" in page
    assert not PollingStation.objects.exists()


def test_the_station_list_shows_and_finds_a_station_by_region_and_number(client, coordinator, mission):
    akmola, pavlodar = RegionFactory(mission=mission, name="Akmola"), RegionFactory(mission=mission, name="Pavlodar")
    for region in (akmola, pavlodar):
        tec = TecFactory(mission=mission, region=region)
        for number in ("1", "10"):
            PollingStationFactory(mission=mission, region=region, tec=tec, number=number)
    client.force_login(coordinator)
    url = reverse("admin:missions_pollingstation_changelist")
    page = client.get(url).content.decode()
    assert "Akmola — No. 1<" in page and "Pavlodar — No. 1<" in page
    page = client.get(url, {"q": "Pavlodar 1"}).content.decode()
    assert "Pavlodar — No. 1<" in page
    assert "Akmola — No. 1" not in page and "Pavlodar — No. 10" not in page
