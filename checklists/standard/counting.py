"""The standard counting (with the protocol figures) and tabulation checklists."""

from __future__ import annotations

from ..choices import FormKind, QuestionType
from .building import (
    NO,
    YES,
    choice,
    complaints_questions,
    overall_assessment,
    question,
    section,
    unauthorised_questions,
    yes_no,
    yes_no_na,
)

PROTOCOL_FIGURES = [
    ("voters_main_list", "Voters on the main list", "Избирателей в основном списке"),
    ("voters_supplementary", "Voters on the supplementary list", "Избирателей в дополнительном списке"),
    ("ballots_received", "Ballots received by the PEC", "Бюллетеней получено УИК"),
    ("ballots_unused", "Unused ballots (cancelled)", "Неиспользованных (погашенных) бюллетеней"),
    ("ballots_spoiled", "Spoiled ballots", "Испорченных бюллетеней"),
    ("ballots_issued", "Ballots issued in the polling station", "Бюллетеней выдано в помещении для голосования"),
    ("ballots_issued_mobile", "Ballots issued for mobile voting", "Бюллетеней выдано для голосования вне помещения"),
    ("ballots_found_stationary", "Ballots found in the stationary boxes", "Бюллетеней в стационарных ящиках"),
    ("ballots_found_mobile", "Ballots found in the mobile boxes", "Бюллетеней в переносных ящиках"),
    ("ballots_invalid", "Invalid ballots", "Недействительных бюллетеней"),
    ("ballots_valid", "Valid ballots", "Действительных бюллетеней"),
]
# Mobile voting may not have taken place: these figures may be left blank (counted as zero by the arithmetic).
OPTIONAL_PROTOCOL_FIGURES = {"ballots_issued_mobile", "ballots_found_mobile"}
PROTOCOL_MAX = 100000


def protocol_questions(candidates: list[str]) -> list[dict]:
    """The protocol figures, one integer question per figure and per candidate, shown once the figures are known."""
    shown = ("protocol_figures_obtained", [YES])
    questions = [
        yes_no(
            "protocol_figures_obtained",
            "Did you obtain the figures of the results protocol?",
            "Удалось ли вам получить данные протокола об итогах голосования?",
            expected=YES,
        )
    ]
    for field, label, label_ru in PROTOCOL_FIGURES:
        questions.append(
            question(
                field,
                QuestionType.INTEGER,
                label,
                label_ru,
                required=field not in OPTIONAL_PROTOCOL_FIGURES,
                min_value=0,
                max_value=PROTOCOL_MAX,
                shown_if=shown,
                protocol_field=field,
            )
        )
    for number, name in enumerate(candidates, start=1):
        questions.append(
            question(
                f"candidate_{number}",
                QuestionType.INTEGER,
                f"Votes for {name}",
                f"Голосов за: {name}",
                required=True,
                min_value=0,
                max_value=PROTOCOL_MAX,
                shown_if=shown,
                protocol_field=f"candidate_{number}",
            )
        )
    return questions


def counting(candidates: list[str]) -> dict:
    return {
        "kind": FormKind.COUNTING,
        "title": "Counting",
        "title_ru": "Подсчёт голосов",
        "sections": [
            section(
                "Closing",
                "Закрытие",
                [
                    yes_no(
                        "closed_on_time",
                        "Did the polling station close on time?",
                        "Закрылся ли участок вовремя?",
                        expected=YES,
                    ),
                    yes_no_na(
                        "queue_allowed_to_vote",
                        "Were voters queuing at closing time allowed to vote?",
                        "Было ли разрешено проголосовать избирателям, стоявшим в очереди в момент закрытия?",
                        help_text="Not applicable when nobody was queuing.",
                        help_text_ru="Не применимо, если очереди не было.",
                        expected=YES,
                    ),
                    *unauthorised_questions(),
                    yes_no(
                        "non_members_handling_ballots",
                        "Did anyone other than PEC members handle the ballots?",
                        "Прикасался ли к бюллетеням кто-либо, кроме членов УИК?",
                        expected=NO,
                    ),
                ],
            ),
            section(
                "Before opening the ballot boxes",
                "До вскрытия ящиков для голосования",
                [
                    yes_no(
                        "unused_ballots_cancelled",
                        "Were the unused ballots counted and cancelled before the boxes were opened?",
                        "Были ли неиспользованные бюллетени подсчитаны и погашены до вскрытия ящиков?",
                        expected=YES,
                    ),
                    yes_no(
                        "signatures_counted",
                        "Were the signatures on the voter lists counted before the boxes were opened?",
                        "Были ли подсчитаны подписи в списках избирателей до вскрытия ящиков?",
                        expected=YES,
                    ),
                    yes_no(
                        "seals_intact",
                        "Were the seals on the ballot boxes intact?",
                        "Были ли пломбы на ящиках для голосования целыми?",
                        expected=YES,
                        critical=[NO],
                    ),
                ],
            ),
            section(
                "Counting the ballots",
                "Подсчёт бюллетеней",
                [
                    yes_no(
                        "ballot_box_stuffing_signs",
                        "Were there signs of ballot-box stuffing (e.g. bundles of ballots folded together)?",
                        "Были ли признаки вброса (например, пачки сложенных вместе бюллетеней)?",
                        expected=NO,
                        critical=[YES],
                    ),
                    yes_no(
                        "each_ballot_shown",
                        "Was each ballot shown to all present and the choice announced aloud?",
                        "Показывался ли каждый бюллетень всем присутствующим с оглашением отметки?",
                        expected=YES,
                    ),
                    yes_no(
                        "validity_reasonable",
                        "Was the validity of ballots decided reasonably and consistently?",
                        "Определялась ли действительность бюллетеней обоснованно и последовательно?",
                        expected=YES,
                    ),
                    yes_no(
                        "piles_verifiable",
                        "Could the piles of ballots for each candidate be verified?",
                        "Можно ли было проверить пачки бюллетеней по каждому кандидату?",
                        expected=YES,
                    ),
                    yes_no(
                        "figures_reconciled",
                        "Did the figures reconcile?",
                        "Сошлись ли контрольные соотношения?",
                        expected=YES,
                    ),
                    question(
                        "reconcile_action",
                        QuestionType.SINGLE,
                        "What did the PEC do when the figures did not reconcile?",
                        "Что сделала УИК, когда соотношения не сошлись?",
                        choices=[
                            choice("recounted", "Recounted the ballots", "Пересчитала бюллетени"),
                            choice("adjusted", "Adjusted the figures to fit", "Подогнала цифры"),
                            choice("ignored", "Nothing; went on", "Ничего; продолжила"),
                            choice("other", "Other", "Другое"),
                        ],
                        required=True,
                        shown_if=("figures_reconciled", [NO]),
                    ),
                ],
            ),
            section(
                "The results protocol",
                "Протокол об итогах голосования",
                [
                    yes_no(
                        "protocol_in_pen",
                        "Was the protocol filled in with a pen?",
                        "Заполнялся ли протокол ручкой?",
                        expected=YES,
                    ),
                    yes_no(
                        "protocol_pre_signed",
                        "Had the protocol been signed before the count was completed?",
                        "Был ли протокол подписан до завершения подсчёта?",
                        expected=NO,
                    ),
                    yes_no(
                        "figures_altered",
                        "Were figures altered or invented in the protocol?",
                        "Изменялись или выдумывались ли цифры в протоколе?",
                        expected=NO,
                        critical=[YES],
                    ),
                    yes_no(
                        "protocol_signed",
                        "Did all PEC members present sign the protocol?",
                        "Подписали ли протокол все присутствующие члены УИК?",
                        expected=YES,
                    ),
                    yes_no(
                        "protocol_copies_given",
                        "Were copies of the protocol given to observers who asked for them?",
                        "Были ли выданы копии протокола наблюдателям, которые их запросили?",
                        expected=YES,
                    ),
                    yes_no(
                        "protocol_posted",
                        "Was a copy of the protocol posted for public display?",
                        "Была ли копия протокола вывешена для всеобщего ознакомления?",
                        expected=YES,
                    ),
                ],
            ),
            section("Protocol figures", "Данные протокола", []),  # filled per mission's candidates
            section(
                "Observers and assessment",
                "Наблюдатели и оценка",
                [
                    yes_no(
                        "observers_could_see",
                        "Could observers see the count clearly?",
                        "Могли ли наблюдатели чётко видеть подсчёт?",
                        expected=YES,
                    ),
                    yes_no(
                        "observers_asked_to_leave",
                        "Were you or other observers asked to leave?",
                        "Просили ли вас или других наблюдателей покинуть участок?",
                        expected=NO,
                        critical=[YES],
                    ),
                    *complaints_questions(),
                    overall_assessment(),
                ],
            ),
        ],
    }


def tabulation() -> dict:
    return {
        "kind": FormKind.TABULATION,
        "title": "Tabulation",
        "title_ru": "Подведение итогов",
        "sections": [
            section(
                "Premises and access",
                "Помещение и доступ",
                [
                    yes_no(
                        "premises_adequate",
                        "Were the premises adequate for the tabulation?",
                        "Было ли помещение пригодным для подведения итогов?",
                        expected=YES,
                    ),
                    yes_no(
                        "observers_could_follow",
                        "Could observers follow the whole process?",
                        "Могли ли наблюдатели следить за всем процессом?",
                        expected=YES,
                    ),
                    *unauthorised_questions(),
                ],
            ),
            section(
                "Handling of PEC materials and protocols",
                "Приём материалов и протоколов УИК",
                [
                    yes_no(
                        "materials_sealed",
                        "Did PEC materials arrive sealed?",
                        "Поступали ли материалы УИК опечатанными?",
                        expected=YES,
                    ),
                    yes_no(
                        "protocols_checked_arithmetic",
                        "Were the PEC protocols checked for arithmetic errors?",
                        "Проверялись ли протоколы УИК на арифметические ошибки?",
                        expected=YES,
                    ),
                    question(
                        "error_correction",
                        QuestionType.SINGLE,
                        "How were errors in protocols corrected?",
                        "Как исправлялись ошибки в протоколах?",
                        choices=[
                            choice("no_errors", "No errors were found", "Ошибок не обнаружено"),
                            choice(
                                "with_pec",
                                "With the PEC present, by a new protocol",
                                "В присутствии УИК, новым протоколом",
                            ),
                            choice("tec_informally", "By the TEC informally", "Неформально, силами ТИК"),
                            choice("not_corrected", "Not at all", "Никак"),
                        ],
                        required=True,
                        expected="no_errors",
                    ),
                    yes_no(
                        "protocols_changed",
                        "Were PEC protocols changed at the TEC?",
                        "Изменялись ли протоколы УИК в ТИК?",
                        expected=NO,
                        critical=[YES],
                    ),
                    yes_no(
                        "protocols_pre_signed",
                        "Did you see pre-signed blank protocols?",
                        "Видели ли вы заранее подписанные пустые бланки протоколов?",
                        expected=NO,
                    ),
                    yes_no(
                        "recounts",
                        "Were any recounts conducted?",
                        "Проводились ли пересчёты?",
                    ),
                ],
            ),
            section(
                "Results",
                "Итоги",
                [
                    yes_no(
                        "data_entry_visible",
                        "Could observers see the data entry of results?",
                        "Могли ли наблюдатели видеть ввод данных?",
                        expected=YES,
                    ),
                    yes_no_na(
                        "spot_check_match",
                        "Did the TEC figures match the copy of a PEC protocol you checked?",
                        "Совпали ли данные ТИК с проверенной вами копией протокола УИК?",
                        help_text="Not applicable when you had no PEC protocol copy to compare.",
                        help_text_ru="Не применимо, если у вас не было копии протокола УИК для сравнения.",
                        expected=YES,
                        critical=[NO],
                    ),
                    yes_no_na(
                        "results_per_pec_published",
                        "Were the results per PEC published?",
                        "Были ли опубликованы итоги по каждой УИК?",
                        help_text="Not applicable when you left before the results were final.",
                        help_text_ru="Не применимо, если вы ушли до окончательных итогов.",
                        expected=YES,
                    ),
                    *complaints_questions(),
                    overall_assessment(),
                ],
            ),
        ],
    }
