"""The compiled report as typed values (model) and the words for its keys in the reader's language (labels)."""

from .labels import ANSWER_WORDS, AREA_WORDS, KIND_WORDS, ReportLabels, interval_text, reader_language
from .model import (
    MAX_PROBLEMS,
    SCHEMA,
    AssessmentCell,
    Conflict,
    IncidentForm,
    KindResult,
    ProtocolForm,
    QuestionCell,
    QuestionResult,
    ReportResult,
    UnreadableResult,
    ValueShare,
)

__all__ = [
    "ANSWER_WORDS",
    "AREA_WORDS",
    "KIND_WORDS",
    "MAX_PROBLEMS",
    "SCHEMA",
    "AssessmentCell",
    "Conflict",
    "IncidentForm",
    "KindResult",
    "ProtocolForm",
    "QuestionCell",
    "QuestionResult",
    "ReportLabels",
    "ReportResult",
    "UnreadableResult",
    "ValueShare",
    "interval_text",
    "reader_language",
]
