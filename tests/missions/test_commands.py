import pytest
from django.core.management import CommandError, call_command

from missions.models import PollingStation
from observers.models import Observer

pytestmark = pytest.mark.django_db


def test_import_stations_command_imports_a_good_file(mission, tmp_path):
    path = tmp_path / "stations.csv"
    path.write_text("number,region,tec_code,area_type,registered_voters\n0001,Akmola,01-01,urban,1500\n")
    call_command("import_stations", "--mission", mission.slug, "--create-geography", str(path))
    assert PollingStation.objects.filter(mission=mission, region__name="Akmola", number="0001").exists()


def test_import_stations_command_reads_cyrillic_headers_through_the_column_mapping(mission, tmp_path):
    path = tmp_path / "stations.csv"
    path.write_text("Область;ТИК;Номер участка\nАкмолинская;Ленинская;1\nПавлодарская;Ленинская;1\n")
    call_command(
        "import_stations",
        "--mission",
        mission.slug,
        "--create-geography",
        "--column",
        "region=Область",
        "--column",
        "tec_name=ТИК",
        "--column",
        "number=Номер участка",
        str(path),
    )
    assert sorted(PollingStation.objects.values_list("region__name", "tec__name", "number")) == [
        ("Акмолинская", "Ленинская", "1"),
        ("Павлодарская", "Ленинская", "1"),
    ]


def test_import_stations_command_refuses_a_mapping_to_no_field(mission, tmp_path):
    path = tmp_path / "stations.csv"
    path.write_text("x\n1\n")
    with pytest.raises(CommandError, match="'nomer' is not a field of a station list"):
        call_command("import_stations", "--mission", mission.slug, "--column", "nomer=Номер", str(path))


def test_import_roster_command_lists_every_error_and_writes_nothing(mission, tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_text("full_name,gender,nationality,email\nA B,F,KZ,a@example.org\n,F,DE,b@example.org\n")
    with pytest.raises(CommandError, match="Nothing imported: 2 error"):
        call_command("import_roster", "--mission", mission.slug, str(path))
    errors = capsys.readouterr().err
    assert "row 2, nationality: a national of the host country" in errors
    assert "row 3, full_name: the name is missing" in errors
    assert not Observer.objects.exists()


def test_import_commands_refuse_an_unknown_mission(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("x\n")
    with pytest.raises(CommandError, match="No mission with slug 'nowhere'"):
        call_command("import_roster", "--mission", "nowhere", str(path))
