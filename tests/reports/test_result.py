"""The typed report result: its stored JSON round trip, old stored runs, its helpers, and words in the reader's
language (question texts and answer labels from the checklist, read when the report is shown)."""

import copy
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from checklists.choices import FormKind, QuestionType, TemplateStatus
from missions.choices import AreaType
from reports.choices import RunStatus
from reports.compile import statistics_compile
from reports.models import ReportRun
from reports.result import SCHEMA, ReportLabels, ReportResult, UnreadableResult
from reports.services import report_run_compile, report_run_create
from tests.factories import PollingStationFactory, RegionFactory, TeamFactory, TecFactory

from .data import add_forms, make_template

pytestmark = pytest.mark.django_db

YES_NO_RU = [{"value": "yes", "label": "Yes", "label_ru": "Да"}, {"value": "no", "label": "No", "label_ru": "Нет"}]
QUESTIONS = [
    ("box_sealed", QuestionType.YES_NO, "Were the ballot boxes sealed?", YES_NO_RU, [], "", None),
    ("stuffing", QuestionType.YES_NO, "Did you see ballot-box stuffing?", YES_NO_RU, ["yes"], "", None),
    (
        "ids_checked",
        QuestionType.SINGLE,
        "Were voters' IDs checked?",
        [
            {"value": "always", "label": "Always", "label_ru": "Всегда"},
            {"value": "never", "label": "Never", "label_ru": "Никогда"},
        ],
        [],
        "",
        None,
    ),
    ("voters_on_list", QuestionType.INTEGER, "Voters on the list", [], [], "voters_on_list", None),
]
RUSSIAN_TEXTS = {
    "box_sealed": "Были ли опечатаны урны?",
    "stuffing": "Видели ли вы вброс бюллетеней?",
    "ids_checked": "Проверяли ли удостоверения личности?",
}


@pytest.fixture
def small(mission):
    """Regions named against their code order, one voting checklist with Russian texts and labels, four forms."""
    zeta = RegionFactory(mission=mission, code="R1", name="Zhambyl")
    akmola = RegionFactory(mission=mission, code="R2", name="Akmola")
    stations = [
        PollingStationFactory(tec=TecFactory(region=zeta), area_type=AreaType.URBAN),
        PollingStationFactory(tec=TecFactory(region=akmola), area_type=AreaType.RURAL),
    ]
    template = make_template(mission, FormKind.VOTING, 1, TemplateStatus.PUBLISHED, QUESTIONS)
    for question in template.questions.all():
        if question.code in RUSSIAN_TEXTS:
            type(question).objects.filter(pk=question.pk).update(text_ru=RUSSIAN_TEXTS[question.code])
    team = TeamFactory(mission=mission, code="STO-1")

    def form(station, sealed, stuffing, ids, on_list):
        answers = {"box_sealed": sealed, "stuffing": stuffing, "ids_checked": ids, "voters_on_list": on_list}
        return {"station": station, "team": team, "answers": answers}

    add_forms(
        mission,
        template,
        [
            form(stations[0], "yes", "yes", "always", 100),
            form(stations[0], "no", "no", "never", 120),
            form(stations[1], "yes", "yes", "always", 90),
            form(stations[1], "yes", "no", "always", 80),
        ],
    )
    return {"cutoff": timezone.now()}


def test_a_result_survives_its_stored_json_unchanged(mission, small):
    result = statistics_compile(mission=mission, cutoff=small["cutoff"])
    stored = json.loads(json.dumps(result.to_json()))
    again = ReportResult.from_json(stored)
    assert again == result
    assert again.to_json() == stored
    assert list(stored)[0] == "schema" and stored["schema"] == SCHEMA
    # Stable: the same snapshot gives the same text, key for key.
    second = statistics_compile(mission=mission, cutoff=small["cutoff"]).to_json()
    assert json.dumps(second) == json.dumps(stored)


def test_the_result_holds_keys_not_words(mission, small):
    stored = json.dumps(statistics_compile(mission=mission, cutoff=small["cutoff"]).to_json(), ensure_ascii=False)
    for words in ("Were the ballot boxes sealed?", "Always", "Turnout at visits", "A conflict is", "Forms as received"):
        assert words not in stored
    voting = statistics_compile(mission=mission, cutoff=small["cutoff"]).kinds["voting"]
    sealed = voting.question("box_sealed")
    assert (sealed.version, [value.value for value in sealed.values]) == (1, ["yes", "no"])
    # Counted by hand: 3 of 4 forms say sealed.
    assert (sealed.value("yes").count, sealed.value("yes").pct, sealed.n) == (3, 75.0, 4)


def test_the_helpers_on_the_result_order_regions_by_name_and_rank_the_problems(mission, small):
    result = statistics_compile(mission=mission, cutoff=small["cutoff"])
    assert [region.name for region in result.regions] == ["Akmola", "Zhambyl"]
    assert result.region_order(["", "R1", "R2"]) == ["R2", "R1", ""]
    assert result.region_names(unknown="?") == {"R1": "Zhambyl", "R2": "Akmola", "": "?"}
    assert result.main_kind() == "voting"
    # One critical question: stuffing, 2 of 4 forms.
    [(kind, problem)] = result.main_problems()
    assert (kind, problem.code, problem.critical.count, problem.critical.pct) == ("voting", "stuffing", 2, 50.0)


def test_words_come_in_the_language_active_when_the_report_is_read(mission, small):
    result = statistics_compile(mission=mission, cutoff=small["cutoff"])
    labels = ReportLabels.for_result(result, mission=mission)
    with translation.override("en"):
        assert labels.question("voting", "box_sealed") == "Were the ballot boxes sealed?"
        assert labels.answer("voting", "ids_checked", "never") == "Never"
        assert labels.answer("voting", "box_sealed", "yes") == "Yes"
        assert labels.area("rural") == "Rural"
    with translation.override("ru"):
        assert labels.question("voting", "box_sealed") == "Были ли опечатаны урны?"
        assert labels.answer("voting", "ids_checked", "never") == "Никогда"
        assert labels.answer("voting", "box_sealed", "yes") == "Да"
        # A question without a Russian text keeps its own.
        assert labels.question("voting", "voters_on_list") == "Voters on the list"
        assert labels.area("rural") == "Сельский"


def schema_one(stored: dict) -> dict:
    """The same result as runs compiled before results were typed stored it: English words inside, no schema."""
    old = copy.deepcopy(stored)
    del old["schema"]
    old.pop("official_results", None)
    for data in old["kinds"].values():
        for question in data["questions"]:
            del question["version"]
            question["text"] = f"Old wording of {question['code']}"
            question["section"] = "Main"
            for value in question.get("values", []):
                value["label"] = value["value"].title()
    old["turnout"]["convention"] = "Turnout at visits is ..."
    old["snapshot"]["label"] = "Forms as received ..."
    return old


def test_a_run_stored_before_results_were_typed_still_loads_and_shows(client, mission, small, actors):
    stored = statistics_compile(mission=mission, cutoff=small["cutoff"]).to_json()
    old = schema_one(stored)
    old["kinds"]["voting"]["questions"].append(
        {**old["kinds"]["voting"]["questions"][0], "code": "retired_code", "text": "A question no checklist has"}
    )
    result = ReportResult.from_json(old)
    assert result.schema == 1
    assert result.kinds["voting"].question("box_sealed").n == 4
    run = ReportRun.objects.create(mission=mission, kinds=["voting"], status=RunStatus.DONE, result=old)
    ReportRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())
    client.force_login(actors["analyst"])
    page = client.get(reverse("reports:run", args=[run.pk])).content.decode()
    # A question the checklist still has is worded from it; one it no longer has keeps its stored text.
    assert "Were the ballot boxes sealed?" in page
    assert "A question no checklist has" in page


def test_a_result_of_an_unknown_schema_is_refused_and_the_page_asks_to_compile_again(client, mission, actors):
    with pytest.raises(UnreadableResult):
        ReportResult.from_json({"schema": SCHEMA + 1})
    with pytest.raises(UnreadableResult):
        ReportResult.from_json({"schema": SCHEMA, "kinds": {}})
    run = ReportRun.objects.create(mission=mission, kinds=["voting"], status=RunStatus.DONE, result={"schema": 99})
    client.force_login(actors["analyst"])
    response = client.get(reverse("reports:run", args=[run.pk]))
    assert response.status_code == 200
    assert "compile it again" in response.content.decode()


def test_a_russian_reader_sees_the_report_page_in_russian(client, mission, small, actors):
    run = report_run_create(mission=mission, kinds=["voting"])
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    client.force_login(actors["analyst"])
    english = client.get(reverse("reports:run", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    russian = client.get(reverse("reports:run", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Were the ballot boxes sealed?" in english and "Never" in english
    for words in ("Были ли опечатаны урны?", "Видели ли вы вброс бюллетеней?", "Всегда", "Никогда", ">Да<", ">Нет<"):
        assert words in russian, words
    for words in ("Were the ballot boxes sealed?", "Did you see ballot-box stuffing?", ">Never<", ">Yes<"):
        assert words not in russian, words
    assert "95% CI" in english and "95% ДИ" in russian and "95% CI" not in russian  # the interval's header


def test_the_files_are_written_in_the_missions_working_language(mission, small, tmp_path):
    import subprocess

    from openpyxl import load_workbook

    mission.language = "ru"
    mission.save(update_fields=["language"])
    run = report_run_create(mission=mission, kinds=["voting"])
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(run.pdf_file.read())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Были ли опечатаны урны?" in " ".join(text.split())
    assert "Were the ballot boxes sealed?" not in text
    workbook = load_workbook(run.xlsx_file.open("rb"), read_only=True)
    assert "Сводка" in workbook.sheetnames
    sheet_text = " ".join(
        str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row if cell
    )
    assert "Всегда" in sheet_text and "Никогда" in sheet_text
    # The page's charts exist in every language the site offers; the files took the mission's.
    assert set(run.charts) == {"en", "ru"}
