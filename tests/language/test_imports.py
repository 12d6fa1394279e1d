"""The imports and official results read in the reader's language: a file's row errors and an import's summary,
the findings on the official figures and the columns of their exports, in Russian for a Russian reader and in
English for an English one, also when they are read later than they were written."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from access import system_actor
from jobs.notices import notices_written
from missions.imports import stations_import
from missions.models import PollingStation
from observers.imports import roster_import
from observers.models import Observer
from results.imports import results_import
from results.models import ResultsVersion
from results.reporting import official_results_section, official_results_sheets
from tests.factories import RegionFactory, core_team_user
from tests.results.builders import (
    MAPPING,
    as_csv,
    build_cec_world,
    file_rows,
    observed_answers,
    record_count,
)

pytestmark = pytest.mark.django_db
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)

STATIONS = (
    b"number,region,tec,area_type,registered_voters,latitude\n"
    b",Akmola,TEC-1,,,\n"
    b"0102,Akmola,TEC-1,suburb,many,91\n"
    b"0103,Akmola,TEC-1,urban,1200,51.1\n"
)
STATION_ERRORS_EN = [
    "row 2, number: the station number is missing",
    "row 3, area_type: 'suburb' is not urban or rural (leave it blank if not known)",
    "row 3, registered_voters: 'many' is not a whole number of voters",
    "row 3, latitude: '91' is not a latitude between -90 and 90",
]
STATION_ERRORS_RU = [
    "строка 2, number: не указан номер участка",
    "строка 3, area_type: «suburb» — не городской и не сельский (оставьте пустым, если неизвестно)",
    "строка 3, registered_voters: «many» — не целое число избирателей",
    "строка 3, latitude: «91» — не широта от -90 до 90",
]


def _written(report, language: str) -> tuple[list[str], str]:
    with translation.override(language):
        return [str(error) for error in report.errors], report.summary()


def _all_russian(texts: list[str], english: list[str]) -> None:
    """Every text has Cyrillic and none holds an English sentence of the import."""
    assert texts and all(CYRILLIC.search(text) for text in texts), texts
    for text in texts:
        for sentence in english:
            assert sentence.split(": ", 1)[-1] not in text, (sentence, text)


def test_the_station_import_s_row_errors_and_summary_read_in_the_reader_s_language(mission):
    report = stations_import(actor=system_actor(mission), mission=mission, upload=STATIONS, filename="stations.csv")

    english, english_summary = _written(report, "en")
    russian, russian_summary = _written(report, "ru")

    assert english == STATION_ERRORS_EN and english_summary == "Nothing imported: 4 errors."
    assert russian == STATION_ERRORS_RU and russian_summary == "Ничего не импортировано: 4 ошибки."
    _all_russian([*russian, russian_summary], [*english, english_summary])
    assert not PollingStation.objects.exists()


def test_the_station_import_s_summary_of_what_it_did_reads_in_russian(mission):
    upload = b"number,region,tec\n0101,Akmola,TEC-1\n0102,Akmola,TEC-1\n"
    report = stations_import(
        actor=system_actor(mission), mission=mission, upload=upload, filename="s.csv", create_geography=True
    )

    assert report.ok
    assert _written(report, "en")[1] == (
        "2 created, 0 updated, 0 unchanged; 1 region(s) and 1 TEC(s) created from the file."
    )
    assert _written(report, "ru")[1] == (
        "создано: 2, обновлено: 0, без изменений: 0; из файла создано регионов: 1, ТИК: 1."
    )


def test_a_file_that_is_no_spreadsheet_is_refused_in_the_reader_s_language(mission):
    report = stations_import(actor=system_actor(mission), mission=mission, upload=b"\x00\x01", filename="s.pdf")

    assert _written(report, "en")[0] == ["file: Upload a CSV (.csv) or Excel (.xlsx) file."]
    assert _written(report, "ru")[0] == ["файл: Загрузите файл CSV (.csv) или Excel (.xlsx)."]


def test_a_kept_import_report_is_written_out_in_the_language_of_whoever_reads_it_later(mission):
    """A report kept as data (a job's summary) while English was active reads in Russian to a Russian reader."""
    report = stations_import(actor=system_actor(mission), mission=mission, upload=STATIONS, filename="stations.csv")
    kept = json.loads(json.dumps(report.as_data()))

    assert notices_written(kept, "ru")["errors"] == STATION_ERRORS_RU
    assert notices_written(kept, "ru")["summary"] == "Ничего не импортировано: 4 ошибки."
    assert notices_written(kept, "en")["errors"] == STATION_ERRORS_EN
    assert kept["ok"] is False and kept["created"] == 0


def test_the_roster_import_s_row_errors_read_in_the_reader_s_language(mission):
    upload = (
        b"full_name,gender,nationality,email,date_of_birth,languages,role,status\n"
        b"Anna Berg,F,SE,anna@example.org,1980-02-03,ru:fluent,STO,nominated\n"
        b",robot,Narnia,not-an-address,1980-02-30,ru:superb,captain,\n"
        b"Jan Novak,M,CZ,anna@example.org,,,LTO,\n"
    )

    report = roster_import(actor=system_actor(mission), mission=mission, upload=upload, filename="roster.csv")
    english, english_summary = _written(report, "en")
    russian, russian_summary = _written(report, "ru")

    assert english == [
        "row 3, full_name: the name is missing",
        "row 3, nationality: 'Narnia' is not a known ISO 3166-1 country code or name",
        "row 3, email: 'not-an-address' is not a valid email address",
        "row 3, gender: 'robot' is not a gender (female, male or other)",
        "row 3, role: 'captain' is not a role (STO, LTO, core team, head of mission, parliamentarian)",
        "row 3, date_of_birth: '1980-02-30' is not a date (use YYYY-MM-DD or DD.MM.YYYY)",
        "row 3, languages: unknown level 'superb' (use native, fluent, working, basic)",
        "row 4, email: anna@example.org appears twice in the file (also row 2)",
    ]
    assert russian == [
        "строка 3, full_name: не указано имя",
        "строка 3, nationality: «Narnia» — не известный код страны ISO 3166-1 и не её название",
        "строка 3, email: «not-an-address» — неправильный адрес электронной почты",
        "строка 3, gender: «robot» — не пол (female, male или other)",
        "строка 3, role: «captain» — не роль (КН, ДН, основная группа, глава миссии, парламентарий; в файле: STO, "
        "LTO, core team, head of mission, parliamentarian)",
        "строка 3, date_of_birth: «1980-02-30» — не дата (используйте ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)",
        "строка 3, languages: неизвестный уровень «superb» (используйте native, fluent, working, basic)",
        "строка 4, email: anna@example.org встречается в файле дважды (также строка 2)",
    ]
    assert (english_summary, russian_summary) == ("Nothing imported: 8 errors.", "Ничего не импортировано: 8 ошибок.")
    _all_russian([*russian, russian_summary], [*english, english_summary])
    assert not Observer.objects.filter(mission=mission).exists()


def test_the_results_import_s_row_errors_and_summaries_read_in_the_reader_s_language(mission):
    world = build_cec_world(mission, tecs_per_region=1, stations_per_tec=2)
    rows = file_rows(world)
    rows[1][3] = "много"
    rows[2][2] = ""

    refused = results_import(mission=mission, upload=as_csv(rows), filename="cec.csv", mapping=MAPPING)
    english, english_summary = _written(refused, "en")
    russian, russian_summary = _written(refused, "ru")

    assert english == [
        "row 2, число_избирателей,_включенных_в_список: 'много' is not a whole number of ballots or voters",
        "row 3, №_уик: the station number is missing",
    ]
    assert russian == [
        "строка 2, число_избирателей,_включенных_в_список: «много» — не целое число бюллетеней или избирателей",
        "строка 3, №_уик: не указан номер участка",
    ]
    assert (english_summary, russian_summary) == ("Nothing imported: 2 errors.", "Ничего не импортировано: 2 ошибки.")
    assert not ResultsVersion.objects.exists()

    mapping = {name: header for name, header in MAPPING.items() if name != "ballots_cancelled"}
    cancelled = file_rows(world)[0].index(MAPPING["ballots_cancelled"])
    without = [row[:cancelled] + row[cancelled + 1 :] for row in file_rows(world)]
    done = results_import(mission=mission, upload=as_csv(without), filename="cec.csv", mapping=mapping)

    assert done.ok
    assert _written(done, "en")[1] == (
        "Results v1 (Preliminary): 6 station results imported. Not in this file (not checked): ballots cancelled."
    )
    assert _written(done, "ru")[1] == (
        "Результаты, версия 1 (Предварительные): импортировано результатов участков: 6. "
        "Нет в этом файле (не проверялось): погашенные бюллетени."
    )


def test_the_results_mapping_s_errors_name_the_columns_in_the_reader_s_language(mission):
    world = build_cec_world(mission, tecs_per_region=1, stations_per_tec=2)
    rows = file_rows(world)
    rows[0][rows[0].index(MAPPING["number"])] = "Участковая комиссия"  # a header no alias knows
    mapping = {**MAPPING, "number": "", "ballots_valid": MAPPING["ballots_issued"]}

    report = results_import(mission=mission, upload=as_csv(rows), filename="cec.csv", mapping=mapping)
    russian = _written(report, "ru")[0]

    assert "файл, number: выберите столбец, в котором указано поле «номер участка»" in russian
    assert "файл, ballots_valid: столбец «выдано_бюллетеней» уже сопоставлен с полем «Выданные бюллетени»" in russian


@pytest.fixture
def published(mission):
    """Official results with one station's arithmetic broken, one station left out and an observers' copy that
    differs on one candidate's votes."""
    world = build_cec_world(mission)
    keys = list(world.official)
    figures = {key: dict(value, votes=list(value["votes"])) for key, value in world.official.items()}
    figures[keys[2]]["ballots_received"] += 9
    report = results_import(
        mission=mission, upload=as_csv(file_rows(world, leave_out={keys[30]}, figures=figures)), mapping=MAPPING
    )
    assert report.ok
    differing = observed_answers(world.official[keys[14]])
    differing["candidate_3"] += 2
    record_count(world, world.stations[keys[14]], differing)
    return world


FINDINGS_EN = (
    "Protocol arithmetic does not add up",
    "do not equal issued",
    "In the station list, not in the results.",
    "official",
    "Votes for Таспаева Дания",
)


def test_the_results_exports_read_in_russian_columns_findings_and_lines(client, published):
    client.force_login(published.coordinator)
    slug = published.mission.slug

    russian_csv = client.get(reverse("results:export", args=[slug, "csv"]), HTTP_ACCEPT_LANGUAGE="ru")
    english_csv = client.get(reverse("results:export", args=[slug, "csv"]), HTTP_ACCEPT_LANGUAGE="en")
    russian_xlsx = client.get(reverse("results:export", args=[slug, "xlsx"]), HTTP_ACCEPT_LANGUAGE="ru")

    rows = list(csv.reader(io.StringIO(russian_csv.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Находка",
        "Регион",
        "ТИК",
        "Участок",
        "Строка",
        "Официальная цифра",
        "Цифра наблюдателей",
        "Официальная минус наблюдателей",
        "Форма",
        "UUID формы",
        "Команда",
        "Подробнее",
    ]
    by_kind = {row[0]: row for row in rows[1:]}
    assert set(by_kind) == {
        "Арифметика протокола не сходится",
        "Участок отсутствует в результатах",
        "Расходится с копией протокола наблюдателей",
    }
    differs = by_kind["Расходится с копией протокола наблюдателей"]
    assert differs[4] == "Голоса за кандидата Таспаева Дания"
    official, observed = differs[5], differs[6]
    assert (
        differs[11]
        == f"Голоса за кандидата Таспаева Дания: официально {official}, в копии наблюдателей {observed} (-2)."
    )
    assert by_kind["Участок отсутствует в результатах"][11] == "Есть в списке участков, нет в результатах."
    assert by_kind["Арифметика протокола не сходится"][11].startswith("Полученные бюллетени (")
    russian_text = russian_csv.content.decode("utf-8-sig")
    for english in FINDINGS_EN:
        assert english not in russian_text
    english_text = english_csv.content.decode("utf-8-sig")
    assert "Votes for Таспаева Дания: official" in english_text and "In the station list" in english_text

    workbook = load_workbook(io.BytesIO(russian_xlsx.content), read_only=True)
    findings = [list(row) for row in workbook["Находки"].iter_rows(values_only=True)]
    assert findings[0][:5] == ["Находка", "Регион", "ТИК", "Участок", "Строка"]
    assert "Голоса за кандидата Таспаева Дания" in [row[4] for row in findings]


def test_the_results_page_writes_the_findings_in_russian(client, published):
    client.force_login(published.coordinator)

    russian = client.get(reverse("results:mission", args=[published.mission.slug]), HTTP_ACCEPT_LANGUAGE="ru")
    english = client.get(reverse("results:mission", args=[published.mission.slug]), HTTP_ACCEPT_LANGUAGE="en")

    page = russian.content.decode()
    assert "Голоса за кандидата Таспаева Дания: официально" in page
    assert "Есть в списке участков, нет в результатах." in page
    assert "Результаты, версия 1 (Предварительные)" in page
    assert "Участков под наблюдением" in page
    for text in ("In the station list, not in the results.", "Votes for", "Results v1", "Stations observed"):
        assert text not in page
        assert text in english.content.decode()


def test_a_report_s_official_results_kept_in_english_are_written_out_in_russian(published):
    """The section a report run keeps holds notices: a run compiled in English reads in Russian later."""
    with translation.override("en"):
        kept = json.loads(json.dumps(official_results_section(mission=published.mission)))

    with translation.override("ru"):
        sheets = dict(official_results_sheets(kept))

    summary = sheets["Официальные итоги"]
    assert ["Результаты, версия 1 (Предварительные)"] in summary
    assert any(row and str(row[0]).startswith("Официальные цифры проверяются сами по себе") for row in summary)
    findings = sheets["Находки по официальным итогам"]
    messages = [row[11] for row in findings[1:]]
    assert "Есть в списке участков, нет в результатах." in messages
    assert all(CYRILLIC.search(message) for message in messages)


def _station_admin_post(client, mission, upload: bytes, language: str, capture):
    """The import's page, in the language, once the worker has run the import the admin queued."""
    with capture(execute=True):
        posted = client.post(
            reverse("admin:missions_pollingstation_import"),
            {"mission": mission.pk, "file": SimpleUploadedFile("stations.csv", upload, content_type="text/csv")},
            HTTP_ACCEPT_LANGUAGE=language,
        )
    return client.get(posted.headers["Location"], HTTP_ACCEPT_LANGUAGE=language)


def test_the_import_pages_list_the_errors_in_the_session_s_language(
    client, mission, django_capture_on_commit_callbacks
):
    client.force_login(core_team_user(mission, "coordinator", "lto_coordinator"))
    RegionFactory(mission=mission, code="AKM", name="Akmola")

    russian = _station_admin_post(client, mission, STATIONS, "ru", django_capture_on_commit_callbacks)
    english = _station_admin_post(client, mission, STATIONS, "en", django_capture_on_commit_callbacks)
    russian, english = russian.content.decode(), english.content.decode()

    assert "Ничего не импортировано: 4 ошибки." in russian
    for error in STATION_ERRORS_RU:
        assert error.replace("«", "&laquo;").replace("»", "&raquo;") in russian or error in russian
    assert "Nothing imported" not in russian and "is not a whole number" not in russian
    assert "Nothing imported: 4 errors." in english
    assert not PollingStation.objects.exists()


def test_the_results_import_page_lists_the_errors_and_names_the_columns_in_russian(
    client, mission, django_capture_on_commit_callbacks
):
    world = build_cec_world(mission, tecs_per_region=1, stations_per_tec=2)
    client.force_login(world.coordinator)
    rows = file_rows(world)
    rows[2][4] = "x"
    data = {
        "mission": mission.pk,
        "file": SimpleUploadedFile("cec.csv", as_csv(rows), content_type="text/csv"),
        "stage": "preliminary",
        **{f"column_{name}": header for name, header in MAPPING.items()},
    }

    url = reverse("admin:results_resultsversion_import")
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(url, data, HTTP_ACCEPT_LANGUAGE="ru")
    # The import's page once the worker ran it, and the import page with its column mapping.
    body = client.get(posted.headers["Location"], HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    body += client.get(url, {"mission": mission.pk}, HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert "Ничего не импортировано: 1 ошибка." in body
    assert "строка 3" in body and "не целое число бюллетеней или избирателей" in body
    assert "Столбец: Выданные бюллетени" in body and "Столбец: Голоса за кандидата Таспаева Дания" in body
    assert "Column:" not in body and "is not a whole number" not in body
    assert not ResultsVersion.objects.exists()


def test_the_admin_shows_why_a_team_is_where_it_is_in_the_reader_s_language(client, mission):
    """The assignment keeps its reason as a notice; the admin page writes it out instead of showing the stored data."""
    from deployment.models import TeamAssignment
    from jobs.notices import notice_dumps
    from tests.factories import TeamFactory, UserFactory

    region = RegionFactory(mission=mission, code="AKM", name="Akmola")
    assignment = TeamAssignment.objects.create(
        team=TeamFactory(mission=mission, code="STO-007"),
        mission=mission,
        region=region,
        reason=notice_dumps("deployment.assignment_moved", region="Akmola", tecs="AKM-1", stations=4),
    )
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse("admin:deployment_teamassignment_change", args=[assignment.pk])

    russian = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Перемещена координатором: Akmola, ТИК AKM-1; маршрут из 4 участков." in russian
    assert "Moved by a coordinator to Akmola, TEC AKM-1; route of 4 stations." in english
    for page in (russian, english):
        assert "deployment.assignment_moved" not in page and "&quot;notice&quot;" not in page


def test_the_team_rules_are_told_in_the_reader_s_language(mission):
    from django.core.exceptions import ValidationError

    from observers.services import team_create
    from tests.factories import team_with_members

    team = team_with_members(mission=mission, code="STO-001", nationalities=("DE", "FR"))
    members = [seat.membership for seat in team.members.all()]

    with translation.override("ru"), pytest.raises(ValidationError) as refused:
        team_create(mission=mission, kind="sto", code="STO-001", members=members[:1])

    assert refused.value.messages == [
        "В команде ровно 2 участника; в этой было бы 1.",
        f"{members[0].observer.full_name} уже входит в команду STO-001.",
        "Код команды STO-001 уже используется в этой миссии.",
    ]


def test_an_export_log_line_says_what_was_exported_in_the_reader_s_language(client, mission):
    from jobs.notices import notice
    from reports.services import export_log_record
    from tests.factories import UserFactory

    log = export_log_record(user=None, mission=mission, what=notice("deployment.export_plan"), format="csv", rows=3)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    russian = client.get(reverse("admin:reports_exportlog_changelist"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    with translation.override("en"):
        assert log.what_text == "deployment plan"
    with translation.override("ru"):
        assert log.what_text == "план развёртывания"
    assert "план развёртывания" in russian and "deployment.export_plan" not in russian


def test_the_api_refuses_unusable_json_in_the_reader_s_language(site):
    from rest_framework.test import APIClient

    deep = '{"notes": ' + "[" * 5000 + "]" * 5000 + "}"
    api = APIClient()
    api.force_authenticate(site.owner)

    russian = api.post("/api/submissions/", data=deep, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ru")
    english = api.post("/api/submissions/", data=deep, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")

    assert russian.status_code == english.status_code == 400
    assert russian.json()["detail"] == "Вложенность JSON больше 32 уровней."
    assert english.json()["detail"] == "The JSON is nested more than 32 levels deep."


def test_the_admin_names_records_in_the_reader_s_language(mission):
    from results.models import ResultsSettings
    from tests.factories import team_with_members

    settings_row = ResultsSettings.objects.create(mission=mission)
    seat = team_with_members(mission=mission, code="STO-001").members.select_related("membership__observer").first()

    with translation.override("ru"):
        russian = [str(settings_row), str(seat)]
    with translation.override("en"):
        english = [str(settings_row), str(seat)]

    assert russian == [
        "Настройки официальных итогов миссии Kazakhstan 2019",
        f"{seat.membership.observer} в команде STO-001",
    ]
    assert english == ["Official results settings of Kazakhstan 2019", f"{seat.membership.observer} in STO-001"]


def test_a_request_with_a_nul_character_is_refused_in_the_reader_s_language(client):
    russian = client.get("/healthz?q=a%00b", HTTP_ACCEPT_LANGUAGE="ru")
    english = client.get("/healthz?q=a%00b", HTTP_ACCEPT_LANGUAGE="en")

    assert russian.status_code == english.status_code == 400
    assert russian.json()["detail"] == "Запрос содержит символ NUL (\\u0000), который не допускается ни в одном поле."
    assert english.json()["detail"] == "The request contains a NUL character (\\u0000), which no field accepts."


def test_a_refusal_a_job_keeps_reads_in_the_reader_s_language():
    """A job refused by the rules keeps the refusal as a notice, as the worker met it in the site's language."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils.translation import gettext, gettext_lazy

    from jobs.notices import notice_text, refusal

    with translation.override("en"):
        denied = json.loads(
            json.dumps(
                refusal(PermissionDenied(gettext("Only the mission's coordinators import its polling stations.")))
            )
        )
        invalid = refusal(
            ValidationError(
                gettext_lazy("%(mission)s has no regions yet: import the geography before planning."),
                params={"mission": "Kazakhstan 2019"},
            )
        )

    assert notice_text(denied, "ru") == "Импортировать избирательные участки миссии могут только её координаторы."
    assert notice_text(denied, "en") == "Only the mission's coordinators import its polling stations."
    assert notice_text(invalid, "ru") == (
        "В миссии Kazakhstan 2019 ещё нет регионов: импортируйте географию перед планированием."
    )
