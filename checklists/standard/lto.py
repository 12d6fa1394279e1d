"""The standard LTO reports: weekly report, meeting record, incident report."""

from __future__ import annotations

from ..choices import FormKind, QuestionType
from .building import (
    NO,
    YES,
    choice,
    question,
    section,
    text,
    yes_no,
    yes_no_na,
)

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
                question(
                    "reporting_period",
                    QuestionType.WEEK,
                    "Which week does this report cover?",
                    "Какую неделю охватывает отчёт?",
                    help_text="The week from Monday to Sunday; it is kept as the date of its Monday.",
                    help_text_ru="Неделя с понедельника по воскресенье; сохраняется как дата её понедельника.",
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
                    question("meeting_date", QuestionType.DATE, "Date of the meeting", "Дата встречи", required=True),
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
