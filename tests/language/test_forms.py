"""Forms the coordinators fill in read in their language: labels and help texts."""

from django.utils import translation

from checklists.forms import QuestionAdminForm


def test_the_question_form_s_answer_lists_are_labelled_and_explained_in_russian():
    with translation.override("ru"):
        fields = QuestionAdminForm().fields
        shown = {
            name: (str(fields[name].label), str(fields[name].help_text)) for name in ("choices", "critical_values")
        }
    with translation.override("en"):
        fields = QuestionAdminForm().fields
        english = {
            name: (str(fields[name].label), str(fields[name].help_text)) for name in ("choices", "critical_values")
        }

    assert english["critical_values"] == (
        "Critical values",
        "Answers that raise an alert, comma-separated (e.g. yes).",
    )
    assert shown["critical_values"][1] == "Ответы, вызывающие тревогу, через запятую (например, yes)."
    assert shown["choices"][1].startswith("Один вариант в строке")
    assert [label for label, _help in shown.values()] == ["Варианты", "Критические ответы"]
