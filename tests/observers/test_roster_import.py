import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from access import actor_for, system_actor
from observers.imports import roster_import
from observers.models import Membership, Observer, ObserverLanguage
from tests.factories import MissionFactory, core_team_user

pytestmark = pytest.mark.django_db

HEADER = "full_name,gender,nationality,email,phone,date_of_birth,passport_number,languages,role,first_mission\n"
GOOD = (
    HEADER
    + "Anna Berg,F,SE,anna.berg@example.org,+46 70 1234567,1980-02-03,SE1234567,en:fluent; ru:working,STO,yes\n"
    + "Jan Novak,male,Czechia,jan.novak@example.org,+420 601 111222,12.05.1975,CZ7654321,en:fluent,LTO,no\n"
)


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


def test_a_good_roster_imports_every_row(mission):
    report = roster_import(actor=system_actor(mission), mission=mission, upload=_csv(GOOD), filename="roster.csv")
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    anna = Observer.objects.get(email="anna.berg@example.org")
    assert anna.nationality.code == "SE" and anna.gender == "female"
    assert Membership.objects.get(observer=anna).first_mission is True
    assert set(ObserverLanguage.objects.filter(observer=anna).values_list("language", "level")) == {
        ("en", "fluent"),
        ("ru", "working"),
    }
    assert Observer.objects.get(email="jan.novak@example.org").nationality.code == "CZ"


@pytest.mark.parametrize("importer", ["analyst", "other_coordinator", "nobody"])
def test_only_the_missions_coordinators_import_its_roster_and_a_refusal_writes_nothing(mission, importer):
    other = MissionFactory(slug="ge-2020", name="Georgia 2020")
    users = {
        "analyst": core_team_user(mission, "analyst", "election_analyst"),
        "other_coordinator": core_team_user(other, "other-coordinator", "deputy_head"),
    }
    actor = actor_for(users[importer], mission) if importer in users else None
    people = set(Observer.objects.values_list("pk", flat=True))
    with pytest.raises(PermissionDenied, match="coordinators import its roster"):
        roster_import(actor=actor, mission=mission, upload=_csv(GOOD), filename="roster.csv")
    assert set(Observer.objects.values_list("pk", flat=True)) == people
    assert not Observer.objects.filter(email="anna.berg@example.org").exists()


def test_a_coordinator_imports_into_their_own_mission(mission):
    actor = actor_for(core_team_user(mission, "coordinator", "deputy_head"), mission)
    report = roster_import(actor=actor, mission=mission, upload=_csv(GOOD), filename="roster.csv")
    assert report.ok, report.errors
    assert Observer.objects.filter(mission=mission, email="anna.berg@example.org").exists()


def test_importing_the_same_file_again_changes_nothing(mission):
    roster_import(actor=system_actor(mission), mission=mission, upload=_csv(GOOD), filename="roster.csv")
    report = roster_import(actor=system_actor(mission), mission=mission, upload=_csv(GOOD), filename="roster.csv")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert Observer.objects.count() == 2 and Membership.objects.count() == 2


def test_a_changed_row_updates_the_existing_observer(mission):
    roster_import(actor=system_actor(mission), mission=mission, upload=_csv(GOOD), filename="roster.csv")
    report = roster_import(
        actor=system_actor(mission),
        mission=mission,
        upload=_csv(GOOD.replace("+46 70 1234567", "+46 70 7654321")),
        filename="roster.csv",
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert Observer.objects.get(email="anna.berg@example.org").phone == "+46 70 7654321"


def test_a_roster_with_bad_rows_writes_nothing_and_names_every_error(mission):
    bad = (
        HEADER
        + "Anna Berg,F,SE,anna.berg@example.org,,,,en,STO,no\n"
        + "Unknown Land,F,XX,x@example.org,,,,en,STO,no\n"
        + "Local Person,M,KZ,local@example.org,,,,ru,STO,no\n"
        + "Anna Twice,F,NO,anna.berg@example.org,,,,en,STO,no\n"
        + ",M,DE,noname@example.org,,,,en,STO,no\n"
    )
    report = roster_import(actor=system_actor(mission), mission=mission, upload=_csv(bad), filename="roster.csv")
    messages = [str(error) for error in report.errors]
    assert "row 3, nationality: 'XX' is not a known ISO 3166-1 country code or name" in messages
    assert any(m.startswith("row 4, nationality: a national of the host country") for m in messages)
    assert "row 5, email: anna.berg@example.org appears twice in the file (also row 2)" in messages
    assert "row 6, full_name: the name is missing" in messages
    assert len(report.errors) == 4
    assert not Observer.objects.exists() and not Membership.objects.exists()


def test_it_reads_an_xlsx_roster_with_split_names(mission):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["First name", "Surname", "Gender", "Nationality", "E-mail", "Role"])
    sheet.append(["Ingrid", "Larsen", "female", "NO", "ingrid@example.org", "sto"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = roster_import(
        actor=system_actor(mission), mission=mission, upload=buffer.getvalue(), filename="roster.xlsx"
    )
    assert report.ok, report.errors
    assert Observer.objects.get().full_name == "Ingrid Larsen"


@pytest.mark.parametrize(
    ("payload", "filename", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "photo.png", "Upload a CSV (.csv) or Excel (.xlsx) file."),
        (b"PK\x03\x04garbage", "roster.xlsx", "The file is not a valid XLSX workbook."),
        (b"", "roster.csv", "The file is empty."),
    ],
)
def test_it_refuses_files_that_are_not_spreadsheets(mission, payload, filename, message):
    report = roster_import(actor=system_actor(mission), mission=mission, upload=payload, filename=filename)
    assert [str(e) for e in report.errors] == [f"file: {message}"]


def test_it_refuses_an_oversized_file(mission, settings):
    settings.IMPORT_MAX_BYTES = 100
    report = roster_import(actor=system_actor(mission), mission=mission, upload=_csv(GOOD * 5), filename="roster.csv")
    assert "the limit is 0 KB" in str(report.errors[0])
    assert not Observer.objects.exists()


def test_it_refuses_a_zip_bomb_workbook(mission):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<a>" + "0" * 50_000_000 + "</a>")
    report = roster_import(
        actor=system_actor(mission), mission=mission, upload=buffer.getvalue(), filename="roster.xlsx"
    )
    assert "zip bomb" in str(report.errors[0])


def test_an_email_longer_than_the_column_is_a_row_error_and_writes_nothing(mission):
    # Valid as an address (64-character local parts, short labels), but 254 characters is the column's limit.
    long_email = ("a" * 64) + "@" + ".".join(["b" * 60] * 4) + ".org"
    assert len(long_email) > 254
    report = roster_import(
        actor=system_actor(mission),
        mission=mission,
        upload=_csv(GOOD.replace("anna.berg@example.org", long_email)),
        filename="roster.csv",
    )
    assert not report.ok
    assert [(error.row, error.column) for error in report.errors] == [(2, "email")]
    assert "longer than 254 characters" in report.errors[0].message
    assert Observer.objects.count() == 0 and Membership.objects.count() == 0
