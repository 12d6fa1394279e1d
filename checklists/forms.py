"""Admin form fields for a question's lists: choices one per line, answer lists comma-separated, no raw JSON."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Question
from .rules import normalise_condition


class ChoiceLinesField(forms.CharField):
    """Choices as lines `value | English label | Russian label` (the Russian label may be left out)."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 60})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            gettext_lazy("One choice a line: value | label | Russian label, e.g. police | Police | Полиция."),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(
                " | ".join(
                    part for part in (str(c.get("value", "")), c.get("label", ""), c.get("label_ru", "")) if part
                )
                if isinstance(c, dict)
                else str(c)
                for c in value
            )
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if isinstance(text, list):
            return text
        choices = []
        for number, line in enumerate((text or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) > 3 or not parts[0]:
                raise forms.ValidationError(_("Line %(line)s: write value | label | Russian label.") % {"line": number})
            if not all(ch.isalnum() or ch in "_-." for ch in parts[0]):
                raise forms.ValidationError(
                    _("Line %(line)s: a value is letters, digits, _ - or . only.") % {"line": number}
                )
            choice = {"value": parts[0], "label": parts[1] if len(parts) > 1 and parts[1] else parts[0]}
            if len(parts) > 2 and parts[2]:
                choice["label_ru"] = parts[2]
            choices.append(choice)
        values = [choice["value"] for choice in choices]
        if len(set(values)) != len(values):
            raise forms.ValidationError(_("The same value is listed twice."))
        return choices


class ValueListField(forms.CharField):
    """A list of answer values, comma-separated."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(map(str, value))
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if isinstance(text, list):
            return text
        return [part.strip() for part in (text or "").split(",") if part.strip()]


class QuestionAdminForm(forms.ModelForm):
    choices = ChoiceLinesField(label=capfirst(Question._meta.get_field("choices").verbose_name))
    shown_if_values = ValueListField(
        label=capfirst(Question._meta.get_field("shown_if_values").verbose_name),
        help_text=gettext_lazy("...has one of these answers (comma-separated)."),
    )
    critical_values = ValueListField(
        label=capfirst(Question._meta.get_field("critical_values").verbose_name),
        help_text=gettext_lazy("Answers that raise an alert, comma-separated (e.g. yes)."),
    )

    class Meta:
        model = Question
        fields = (
            "section",
            "order",
            "code",
            "type",
            "required",
            "text",
            "text_ru",
            "help_text",
            "help_text_ru",
            "choices",
            "min_value",
            "max_value",
            "condition",
            "shown_if_code",
            "shown_if_values",
            "critical_values",
            "protocol_field",
        )
        widgets = {"condition": forms.Textarea(attrs={"rows": 2, "cols": 60})}

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            normalise_condition(self.instance)
