"""The official results import form: the file, what version it is, and an explicit column mapping."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import ResultsLevel, ResultsStage
from .imports import mapping_fields


class ResultsImportForm(forms.Form):
    """File and version fields, then one text field per protocol line and candidate: the file's column header."""

    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (.csv) or Excel (.xlsx), one row per polling station."),
    )
    stage = forms.ChoiceField(
        label=gettext_lazy("Stage"), choices=ResultsStage.choices, initial=ResultsStage.PRELIMINARY
    )
    label = forms.CharField(
        label=gettext_lazy("Label"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("e.g. 'CEC preliminary results, 10 June'."),
    )
    published_on = forms.DateField(
        label=gettext_lazy("Published on"),
        required=False,
        help_text=gettext_lazy("When the CEC published the file (YYYY-MM-DD)."),
    )

    def __init__(self, *args, mission, saved_mapping: dict, level: str = ResultsLevel.STATION, **kwargs):
        super().__init__(*args, **kwargs)
        self.mapping_names = []
        for name, label in mapping_fields(list(mission.candidates or []), level):
            self.fields[f"column_{name}"] = forms.CharField(
                label=_("Column: %(field)s") % {"field": label},
                max_length=200,
                required=False,
                initial=saved_mapping.get(name, ""),
                help_text=_("The column header in the file (any case); blank: a known header is looked for."),
            )
            self.mapping_names.append(name)

    def mapping(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[f"column_{name}"]
            for name in self.mapping_names
            if self.cleaned_data.get(f"column_{name}")
        }

    def mapping_fields(self):
        return [self[f"column_{name}"] for name in self.mapping_names]

    def version_fields(self):
        return [self[name] for name in ("file", "stage", "label", "published_on")]
