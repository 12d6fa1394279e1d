"""Building blocks of the standard checklists: questions, sections and the questions several forms share."""

from __future__ import annotations

from django.utils import translation

from ..choices import Assessment, QuestionType

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
    """The closing question of every observation form (its labels stored in English, whatever the language now)."""
    with translation.override("en"):
        labels = [(value, str(label)) for value, label in Assessment.choices]
    return question(
        "overall_assessment",
        QuestionType.SINGLE,
        "Overall, how do you assess what you observed?",
        "В целом, как вы оцениваете то, что наблюдали?",
        help_text="'Bad' and 'very bad' are negative assessments; explain them in the notes.",
        help_text_ru="«Плохо» и «очень плохо» — отрицательные оценки; поясните их в примечаниях.",
        choices=[choice(value, label, ASSESSMENT_RU[value]) for value, label in labels],
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
