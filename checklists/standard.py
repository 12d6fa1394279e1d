"""The standard ODIHR-style checklist set, as data: one specification per form kind, in English and Russian.

`checklists_load_standard` turns these specifications into published v1 templates of a mission. Question codes are
stable slugs: answers to the same code on later versions are merged by it, so never rename a code here.

`expected` is the answer given where the process went as it should; it is not stored on the question but tells the
demo generator (and a reader) which answer is the problem.
"""

from __future__ import annotations

from .choices import Assessment, FormKind, QuestionType

YES = "yes"
NO = "no"

ASSESSMENT_RU = {
    Assessment.VERY_GOOD: "Очень хорошо",
    Assessment.GOOD: "Хорошо",
    Assessment.BAD: "Плохо",
    Assessment.VERY_BAD: "Очень плохо",
}

# Labels of the implicit choices of yes/no questions (used by the schema and the preview).
YES_NO_LABELS = {
    "yes": ("Yes", "Да"),
    "no": ("No", "Нет"),
    "na": ("Not applicable", "Не применимо"),
}


def choice(value: str, label: str, label_ru: str) -> dict:
    """One choice of a choice question."""
    return {"value": value, "label": label, "label_ru": label_ru}


def question(
    code: str,
    type: str,
    text: str,
    text_ru: str,
    *,
    help_text: str = "",
    help_text_ru: str = "",
    choices: list[dict] | None = None,
    required: bool = False,
    min_value: int | None = None,
    max_value: int | None = None,
    shown_if: tuple[str, list[str]] | None = None,
    critical: list[str] | None = None,
    protocol_field: str = "",
    expected: str | None = None,
) -> dict:
    """One question specification (the keys are Question's fields, plus `expected`)."""
    return {
        "code": code,
        "type": type,
        "text": text,
        "text_ru": text_ru,
        "help_text": help_text,
        "help_text_ru": help_text_ru,
        "choices": choices or [],
        "required": required,
        "min_value": min_value,
        "max_value": max_value,
        "shown_if_code": shown_if[0] if shown_if else "",
        "shown_if_values": list(shown_if[1]) if shown_if else [],
        "critical_values": critical or [],
        "protocol_field": protocol_field,
        "expected": expected,
    }


def section(title: str, title_ru: str, questions: list[dict]) -> dict:
    """One section specification."""
    return {"title": title, "title_ru": title_ru, "questions": questions}


def yes_no(code, text, text_ru, *, expected=None, required=True, **extra) -> dict:
    """A yes/no question, required unless said otherwise (observers cannot always tell)."""
    return question(code, QuestionType.YES_NO, text, text_ru, expected=expected, required=required, **extra)


def yes_no_na(code, text, text_ru, *, expected=None, required=True, **extra) -> dict:
    """A yes/no/not applicable question, required unless said otherwise."""
    return question(code, QuestionType.YES_NO_NA, text, text_ru, expected=expected, required=required, **extra)


def text(code, text_en, text_ru, **extra) -> dict:
    return question(code, QuestionType.TEXT, text_en, text_ru, **extra)


def overall_assessment() -> dict:
    """The closing question of every observation form."""
    return question(
        "overall_assessment",
        QuestionType.SINGLE,
        "Overall, how do you assess what you observed?",
        "В целом, как вы оцениваете то, что наблюдали?",
        help_text="'Bad' and 'very bad' are negative assessments; explain them in the notes.",
        help_text_ru="«Плохо» и «очень плохо» — отрицательные оценки; поясните их в примечаниях.",
        choices=[choice(value, label, ASSESSMENT_RU[value]) for value, label in Assessment.choices],
        required=True,
    )


UNAUTHORISED_WHO_CHOICES = [
    choice("police", "Police or security officers", "Полиция или сотрудники безопасности"),
    choice("local_officials", "Local government officials", "Представители местной власти"),
    choice("candidate_representatives", "Candidate or party representatives", "Представители кандидатов или партий"),
    choice("employers", "Employers or supervisors of voters", "Работодатели или руководители избирателей"),
    choice("unidentified", "Unidentified persons", "Неустановленные лица"),
    choice("other", "Other", "Другие"),
]


def unauthorised_questions(*, directing: bool = False) -> list[dict]:
    """Unauthorised persons present, and who (shown only if present)."""
    questions = [
        yes_no(
            "unauthorised_present",
            "Were unauthorised persons present in the polling station?",
            "Присутствовали ли на участке посторонние лица?",
            expected=NO,
        ),
        question(
            "unauthorised_who",
            QuestionType.MULTIPLE,
            "Who were they?",
            "Кто это был?",
            help_text="Tick every group you saw.",
            help_text_ru="Отметьте все группы, которые вы видели.",
            choices=UNAUTHORISED_WHO_CHOICES,
            required=True,
            shown_if=("unauthorised_present", [YES]),
        ),
    ]
    if directing:
        questions.append(
            yes_no(
                "unauthorised_directing",
                "Were unauthorised persons directing or interfering in the work of the PEC?",
                "Руководили ли посторонние лица работой УИК или вмешивались в неё?",
                expected=NO,
                shown_if=("unauthorised_present", [YES]),
                critical=[YES],
            )
        )
    return questions


def complaints_questions() -> list[dict]:
    """Complaints filed, and what about (shown only if filed)."""
    return [
        yes_no(
            "complaints_filed",
            "Were any complaints filed while you were present?",
            "Подавались ли жалобы в вашем присутствии?",
            expected=NO,
        ),
        text(
            "complaints_details",
            "Who filed them, and about what?",
            "Кто их подал и по какому поводу?",
            shown_if=("complaints_filed", [YES]),
            required=True,
        ),
    ]


def observers_present_questions() -> list[dict]:
    return [
        yes_no(
            "party_observers_present",
            "Were candidate or party observers present?",
            "Присутствовали ли наблюдатели от кандидатов или партий?",
            expected=YES,
        ),
        yes_no(
            "citizen_observers_present",
            "Were citizen (non-partisan) observers present?",
            "Присутствовали ли общественные (непартийные) наблюдатели?",
            expected=YES,
        ),
        yes_no(
            "observers_restricted",
            "Were you restricted in your observation?",
            "Ограничивали ли вас в наблюдении?",
            help_text="For example asked to stand too far away, to leave, or refused access to documents.",
            help_text_ru="Например, просили стоять слишком далеко, уйти или отказывали в доступе к документам.",
            expected=NO,
            critical=[YES],
        ),
    ]


def opening() -> dict:
    return {
        "kind": FormKind.OPENING,
        "title": "Opening",
        "title_ru": "Открытие",
        "sections": [
            section(
                "Polling station commission and persons present",
                "Участковая избирательная комиссия и присутствующие лица",
                [
                    question(
                        "pec_members_present",
                        QuestionType.INTEGER,
                        "How many PEC members were present?",
                        "Сколько членов УИК присутствовало?",
                        required=True,
                        min_value=0,
                        max_value=30,
                    ),
                    question(
                        "pec_women_members",
                        QuestionType.INTEGER,
                        "How many of them were women?",
                        "Сколько из них были женщинами?",
                        required=True,
                        min_value=0,
                        max_value=30,
                    ),
                    question(
                        "pec_chair_gender",
                        QuestionType.SINGLE,
                        "Is the PEC chairperson a woman or a man?",
                        "Председатель УИК — женщина или мужчина?",
                        choices=[choice("female", "Woman", "Женщина"), choice("male", "Man", "Мужчина")],
                        required=True,
                    ),
                    *unauthorised_questions(),
                    yes_no(
                        "non_pec_directing",
                        "Was anyone other than the PEC members directing the work of the PEC?",
                        "Руководил ли работой УИК кто-либо, кроме её членов?",
                        expected=NO,
                        critical=[YES],
                    ),
                    *observers_present_questions(),
                ],
            ),
            section(
                "Opening procedures",
                "Процедуры открытия",
                [
                    yes_no(
                        "essential_materials_present",
                        "Were all essential materials present (ballots, voter lists, boxes, seals, stamps, protocols)?",
                        "Имелись ли все необходимые материалы (бюллетени, списки, урны, пломбы, печати, протоколы)?",
                        expected=YES,
                    ),
                    text(
                        "materials_missing",
                        "What was missing?",
                        "Чего не хватало?",
                        shown_if=("essential_materials_present", [NO]),
                        required=True,
                    ),
                    yes_no(
                        "unused_ballots_counted",
                        "Were the ballots received counted and the number recorded before voting started?",
                        "Были ли полученные бюллетени пересчитаны, а их число записано до начала голосования?",
                        expected=YES,
                    ),
                    yes_no(
                        "boxes_shown_empty",
                        "Were the ballot boxes shown to be empty?",
                        "Были ли ящики для голосования продемонстрированы пустыми?",
                        expected=YES,
                    ),
                    yes_no(
                        "boxes_sealed",
                        "Were the ballot boxes properly sealed?",
                        "Были ли ящики для голосования надлежащим образом опломбированы?",
                        expected=YES,
                    ),
                    yes_no_na(
                        "seal_numbers_recorded",
                        "Were the seal numbers recorded?",
                        "Были ли записаны номера пломб?",
                        help_text="Not applicable where the seals carry no number.",
                        help_text_ru="Не применимо, если пломбы без номеров.",
                        expected=YES,
                        shown_if=("boxes_sealed", [YES]),
                    ),
                    yes_no(
                        "layout_secrecy",
                        "Did the layout of the polling station protect the secrecy of the vote?",
                        "Обеспечивала ли планировка участка тайну голосования?",
                        expected=YES,
                    ),
                    yes_no(
                        "observers_see_all_steps",
                        "Could observers see every step of the opening?",
                        "Могли ли наблюдатели видеть каждый этап открытия?",
                        expected=YES,
                    ),
                    yes_no(
                        "accessible_limited_mobility",
                        "Was the polling station accessible for persons with limited mobility?",
                        "Был ли участок доступен для лиц с ограниченной мобильностью?",
                        expected=YES,
                    ),
                    question(
                        "opened_on_time",
                        QuestionType.SINGLE,
                        "Did the polling station open on time?",
                        "Открылся ли участок вовремя?",
                        choices=[
                            choice("on_time", "On time", "Вовремя"),
                            choice("late_up_to_15", "Up to 15 minutes late", "С опозданием до 15 минут"),
                            choice("late_over_15", "More than 15 minutes late", "С опозданием более 15 минут"),
                            choice("did_not_open", "Did not open", "Не открылся"),
                        ],
                        required=True,
                        critical=["did_not_open"],
                        expected="on_time",
                    ),
                    yes_no(
                        "procedures_followed",
                        "Were the opening procedures followed?",
                        "Соблюдались ли процедуры открытия?",
                        expected=YES,
                    ),
                ],
            ),
            section(
                "Complaints and assessment",
                "Жалобы и оценка",
                [*complaints_questions(), overall_assessment()],
            ),
        ],
    }


def voting() -> dict:
    return {
        "kind": FormKind.VOTING,
        "title": "Voting",
        "title_ru": "Голосование",
        "sections": [
            section(
                "Turnout at the time of the visit",
                "Явка на момент посещения",
                [
                    question(
                        "voters_on_list",
                        QuestionType.INTEGER,
                        "How many voters are on the voter lists (main and supplementary)?",
                        "Сколько избирателей внесено в списки (основной и дополнительный)?",
                        required=True,
                        min_value=0,
                        max_value=10000,
                    ),
                    question(
                        "voters_voted",
                        QuestionType.INTEGER,
                        "How many had voted by the time of your visit (signatures on the lists)?",
                        "Сколько проголосовало к моменту вашего посещения (подписи в списках)?",
                        required=True,
                        min_value=0,
                        max_value=10000,
                    ),
                ],
            ),
            section(
                "Environment",
                "Обстановка",
                [
                    yes_no(
                        "tension_nearby",
                        "Was there tension or unrest in or around the polling station?",
                        "Была ли напряжённость или беспорядки на участке или рядом с ним?",
                        expected=NO,
                    ),
                    yes_no(
                        "campaign_material_nearby",
                        "Was campaign material displayed in or near the polling station?",
                        "Была ли агитационная продукция на участке или рядом с ним?",
                        expected=NO,
                    ),
                    yes_no(
                        "organised_transport",
                        "Did you see indications of organised transport of voters?",
                        "Видели ли вы признаки организованного подвоза избирателей?",
                        expected=NO,
                        required=False,
                    ),
                    yes_no(
                        "overcrowding",
                        "Was the polling station overcrowded?",
                        "Был ли участок переполнен?",
                        expected=NO,
                    ),
                    yes_no(
                        "long_queues",
                        "Were there long queues of voters?",
                        "Были ли длинные очереди избирателей?",
                        expected=NO,
                    ),
                    *unauthorised_questions(directing=True),
                ],
            ),
            section(
                "Voting procedures",
                "Процедуры голосования",
                [
                    yes_no(
                        "boxes_sealed",
                        "Were the ballot boxes properly sealed?",
                        "Были ли ящики для голосования надлежащим образом опломбированы?",
                        expected=YES,
                    ),
                    yes_no(
                        "booths_used",
                        "Did voters use the voting booths?",
                        "Пользовались ли избиратели кабинами для голосования?",
                        expected=YES,
                    ),
                    yes_no(
                        "secrecy_ensured",
                        "Was the secrecy of the vote ensured?",
                        "Была ли обеспечена тайна голосования?",
                        expected=YES,
                    ),
                    question(
                        "ids_checked",
                        QuestionType.SINGLE,
                        "Were voters' identity documents checked?",
                        "Проверялись ли документы, удостоверяющие личность избирателей?",
                        choices=[
                            choice("always", "Always", "Всегда"),
                            choice("mostly", "Mostly", "Как правило"),
                            choice("rarely", "Rarely", "Редко"),
                            choice("never", "Never", "Никогда"),
                        ],
                        required=True,
                        expected="always",
                    ),
                    yes_no(
                        "voters_signed_list",
                        "Did voters sign the voter list?",
                        "Расписывались ли избиратели в списке?",
                        expected=YES,
                    ),
                    yes_no(
                        "identical_signatures",
                        "Did you see series of seemingly identical signatures on the voter list?",
                        "Видели ли вы в списке избирателей серии внешне одинаковых подписей?",
                        expected=NO,
                        required=False,
                    ),
                    yes_no_na(
                        "ballots_stamped",
                        "Were ballots stamped or signed by PEC members before being issued?",
                        "Ставились ли на бюллетени печать или подписи членов УИК перед выдачей?",
                        help_text="Not applicable where the law foresees no stamp or signature.",
                        help_text_ru="Не применимо, если закон не предусматривает печать или подпись.",
                        expected=YES,
                    ),
                    yes_no(
                        "marking_outside_booth",
                        "Did voters mark ballots outside the booths?",
                        "Заполняли ли избиратели бюллетени вне кабин?",
                        expected=NO,
                    ),
                    yes_no(
                        "group_voting",
                        "Did you observe group or family voting?",
                        "Наблюдали ли вы групповое или семейное голосование?",
                        expected=NO,
                    ),
                    yes_no(
                        "assisting_many_voters",
                        "Did one person assist several voters to vote?",
                        "Помогало ли одно лицо голосовать нескольким избирателям?",
                        expected=NO,
                        required=False,
                    ),
                    yes_no(
                        "photographing_ballots",
                        "Did you see voters photographing their ballots?",
                        "Видели ли вы, как избиратели фотографируют свои бюллетени?",
                        expected=NO,
                        required=False,
                    ),
                    yes_no(
                        "ballot_box_stuffing_signs",
                        "Were there indications of ballot-box stuffing (e.g. bundles of ballots in the box)?",
                        "Были ли признаки вброса бюллетеней (например, пачки бюллетеней в урне)?",
                        expected=NO,
                        critical=[YES],
                    ),
                    yes_no(
                        "ballot_box_stuffing_seen",
                        "Did you see ballot-box stuffing?",
                        "Видели ли вы вброс бюллетеней?",
                        expected=NO,
                        critical=[YES],
                    ),
                    yes_no(
                        "multiple_voting",
                        "Did you see anyone vote more than once?",
                        "Видели ли вы, чтобы кто-то голосовал более одного раза?",
                        expected=NO,
                        critical=[YES],
                    ),
                    yes_no(
                        "voters_turned_away",
                        "Were voters turned away?",
                        "Было ли отказано избирателям в голосовании?",
                        expected=NO,
                    ),
                    question(
                        "turned_away_reasons",
                        QuestionType.MULTIPLE,
                        "Why were they turned away?",
                        "По какой причине им отказали?",
                        choices=[
                            choice("not_on_list", "Not on the voter list", "Нет в списке избирателей"),
                            choice("no_id", "No valid identity document", "Нет действительного документа"),
                            choice("wrong_station", "Wrong polling station", "Не тот участок"),
                            choice("already_voted", "Already marked as voted", "Уже отмечен как проголосовавший"),
                            choice("other", "Other", "Другое"),
                        ],
                        required=True,
                        shown_if=("voters_turned_away", [YES]),
                    ),
                    yes_no(
                        "supplementary_list_used",
                        "Were voters being added to a supplementary list?",
                        "Вносились ли избиратели в дополнительный список?",
                    ),
                    yes_no(
                        "mobile_box_out",
                        "Was the mobile ballot box out during your visit?",
                        "Находился ли переносной ящик вне участка во время вашего посещения?",
                    ),
                ],
            ),
            section(
                "Pressure on voters",
                "Давление на избирателей",
                [
                    yes_no(
                        "intimidation",
                        "Did you see intimidation or pressure on voters?",
                        "Видели ли вы запугивание избирателей или давление на них?",
                        expected=NO,
                        critical=[YES],
                    ),
                    text(
                        "intimidation_details",
                        "Describe what you saw: who, on whom, how.",
                        "Опишите, что вы видели: кто, на кого, каким образом.",
                        shown_if=("intimidation", [YES]),
                        required=True,
                    ),
                    yes_no(
                        "vote_buying",
                        "Did you see indications of vote buying?",
                        "Видели ли вы признаки подкупа избирателей?",
                        expected=NO,
                        critical=[YES],
                    ),
                    yes_no(
                        "tracking_voters",
                        "Was anyone other than the PEC keeping track of who had voted?",
                        "Вёл ли кто-либо, кроме УИК, учёт проголосовавших?",
                        expected=NO,
                        required=False,
                    ),
                ],
            ),
            section(
                "Observers and the commission",
                "Наблюдатели и комиссия",
                [
                    *observers_present_questions(),
                    question(
                        "pec_understanding",
                        QuestionType.SINGLE,
                        "How well did the PEC understand the voting procedures?",
                        "Насколько хорошо УИК понимала процедуры голосования?",
                        choices=[
                            choice("very_good", "Very well", "Очень хорошо"),
                            choice("good", "Well", "Хорошо"),
                            choice("poor", "Poorly", "Плохо"),
                            choice("very_poor", "Very poorly", "Очень плохо"),
                        ],
                        required=True,
                        expected="good",
                    ),
                    *complaints_questions(),
                    overall_assessment(),
                ],
            ),
        ],
    }


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


WEEKLY_TOPICS = [
    ("election_administration", "Election administration", "Избирательная администрация", True),
    ("campaign", "Campaign environment", "Предвыборная кампания", True),
    ("media", "Media", "СМИ", False),
    ("complaints_appeals", "Complaints and appeals", "Жалобы и обращения", False),
    ("voter_registration", "Voter registration", "Регистрация избирателей", False),
    ("women_minorities", "Participation of women and national minorities", "Участие женщин и нацменьшинств", False),
    ("security", "Security", "Безопасность", False),
]


def lto_weekly() -> dict:
    sections = [
        section(
            "Reporting period",
            "Отчётный период",
            [
                text(
                    "reporting_period",
                    "Which week does this report cover?",
                    "Какую неделю охватывает отчёт?",
                    help_text="For example 20-26 May 2019.",
                    help_text_ru="Например, 20-26 мая 2019 г.",
                    required=True,
                ),
            ],
        )
    ]
    for code, title, title_ru, required in WEEKLY_TOPICS:
        sections.append(
            section(
                title,
                title_ru,
                [
                    text(
                        code,
                        f"{title}: findings this week",
                        f"{title_ru}: выводы за неделю",
                        help_text="Facts first, then sources; flag what needs follow-up.",
                        help_text_ru="Сначала факты, затем источники; отметьте, что требует дальнейшей работы.",
                        required=required,
                    )
                ],
            )
        )
    sections[-1]["questions"].insert(
        0,
        yes_no(
            "security_incidents",
            "Were there security incidents affecting the team this week?",
            "Были ли на этой неделе инциденты, затрагивающие безопасность команды?",
            expected=NO,
            critical=[YES],
        ),
    )
    return {
        "kind": FormKind.LTO_WEEKLY,
        "title": "LTO weekly report",
        "title_ru": "Еженедельный отчёт ДН",
        "sections": sections,
    }


def meeting() -> dict:
    return {
        "kind": FormKind.MEETING,
        "title": "Meeting record",
        "title_ru": "Запись о встрече",
        "sections": [
            section(
                "The meeting",
                "Встреча",
                [
                    text(
                        "meeting_date",
                        "Date of the meeting",
                        "Дата встречи",
                        help_text="YYYY-MM-DD",
                        help_text_ru="ГГГГ-ММ-ДД",
                        required=True,
                    ),
                    text("organisation", "Organisation", "Организация", required=True),
                    text("interlocutor_name", "Interlocutor's name", "Имя собеседника"),
                    text("interlocutor_role", "Interlocutor's role or position", "Роль или должность собеседника"),
                    question(
                        "affiliation",
                        QuestionType.SINGLE,
                        "Affiliation of the interlocutor",
                        "К какой группе относится собеседник",
                        choices=[
                            choice("election_administration", "Election administration", "Избирательная администрация"),
                            choice("political_party", "Political party", "Политическая партия"),
                            choice("candidate_campaign", "Candidate or campaign", "Кандидат или его штаб"),
                            choice("civil_society", "Civil society", "Гражданское общество"),
                            choice("media", "Media", "СМИ"),
                            choice("local_authority", "Local authority", "Местная власть"),
                            choice("international", "International organisation", "Международная организация"),
                            choice("other", "Other", "Другое"),
                        ],
                        required=True,
                    ),
                ],
            ),
            section(
                "Content",
                "Содержание",
                [
                    text("key_points", "Key points", "Основные моменты", required=True),
                    yes_no(
                        "follow_up_needed",
                        "Is follow-up needed?",
                        "Требуются ли дальнейшие действия?",
                    ),
                    text(
                        "follow_up",
                        "What follow-up, by whom?",
                        "Какие действия и кем?",
                        shown_if=("follow_up_needed", [YES]),
                        required=True,
                    ),
                ],
            ),
        ],
    }


def incident() -> dict:
    return {
        "kind": FormKind.INCIDENT,
        "title": "Incident report",
        "title_ru": "Сообщение об инциденте",
        "sections": [
            section(
                "The incident",
                "Инцидент",
                [
                    question(
                        "incident_type",
                        QuestionType.SINGLE,
                        "What kind of incident?",
                        "Какого рода инцидент?",
                        choices=[
                            choice("violence", "Violence", "Насилие"),
                            choice("intimidation", "Intimidation or pressure", "Запугивание или давление"),
                            choice("vote_buying", "Vote buying", "Подкуп избирателей"),
                            choice(
                                "misuse_admin_resources",
                                "Misuse of administrative resources",
                                "Использование административного ресурса",
                            ),
                            choice("obstruction_observers", "Obstruction of observers", "Препятствия наблюдателям"),
                            choice("campaign_violation", "Campaign violation", "Нарушение правил агитации"),
                            choice("election_administration", "Election administration", "Избирательная администрация"),
                            choice("other", "Other", "Другое"),
                        ],
                        required=True,
                        critical=["violence"],
                    ),
                    question(
                        "incident_time",
                        QuestionType.TIME,
                        "At what time did it happen (local time)?",
                        "В какое время это произошло (местное время)?",
                    ),
                    text("location", "Where did it happen?", "Где это произошло?", required=True),
                    text("description", "What happened?", "Что произошло?", required=True),
                    question(
                        "source",
                        QuestionType.SINGLE,
                        "How do you know?",
                        "Откуда вам это известно?",
                        choices=[
                            choice("witnessed", "We witnessed it", "Видели сами"),
                            choice("interlocutor", "An interlocutor told us", "Сообщил собеседник"),
                            choice("media", "Media report", "Сообщение СМИ"),
                            choice("social_media", "Social media", "Социальные сети"),
                            choice("other", "Other", "Другое"),
                        ],
                        required=True,
                    ),
                    yes_no_na(
                        "reported_to_authorities",
                        "Was it reported to the authorities?",
                        "Было ли сообщено властям?",
                        help_text="Not applicable when there is no competent authority to report to.",
                        help_text_ru="Не применимо, если нет компетентного органа.",
                    ),
                    text("follow_up", "Follow-up taken or recommended", "Принятые или рекомендуемые меры"),
                ],
            ),
        ],
    }


def standard_specifications(*, candidates: list[str]) -> list[dict]:
    """The seven standard checklists for a mission with these candidates (in ballot order)."""
    counting_spec = counting(candidates)
    for spec_section in counting_spec["sections"]:
        if spec_section["title"] == "Protocol figures":
            spec_section["questions"] = protocol_questions(candidates)
    return [opening(), voting(), counting_spec, tabulation(), lto_weekly(), meeting(), incident()]


def expected_answers(kind: str, *, candidates: list[str]) -> dict[str, str]:
    """Question code -> the answer given where the process went as it should, for one kind."""
    for spec in standard_specifications(candidates=candidates):
        if spec["kind"] == kind:
            return {
                q["code"]: q["expected"] for s in spec["sections"] for q in s["questions"] if q["expected"] is not None
            }
    return {}
