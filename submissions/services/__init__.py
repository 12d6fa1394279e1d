"""Writes for submitted forms: validation, exactly-once recording, corrections with revisions, phase locks.

The same functions serve the observers' pages, the API, the admin and the demo generator, so a form is judged by
one set of rules wherever it comes from. The package re-exports every name callers use.
"""

from .deleting import submissions_delete
from .locks import phase_lock, phase_unlock
from .protocol import protocol_check, protocol_figures, protocol_messages
from .recording import (
    Place,
    SubmissionConflict,
    answer_values,
    answers_critical,
    canonical_payload,
    content_hash,
    submission_build,
    submission_correct,
    submission_record,
)
from .storing import revision_answer_rows, revision_build
from .validation import (
    ANSWER_VALUE_PREFIX,
    INTEGER_LIMIT,
    NOTES_MAX_LENGTH,
    PAYLOAD_KEYS,
    STATION_KINDS,
    TEXT_MAX_LENGTH,
    CleanForm,
    form_clean,
    submission_validate,
)

__all__ = [
    "ANSWER_VALUE_PREFIX",
    "INTEGER_LIMIT",
    "NOTES_MAX_LENGTH",
    "PAYLOAD_KEYS",
    "STATION_KINDS",
    "TEXT_MAX_LENGTH",
    "CleanForm",
    "Place",
    "SubmissionConflict",
    "answer_values",
    "answers_critical",
    "canonical_payload",
    "content_hash",
    "form_clean",
    "phase_lock",
    "phase_unlock",
    "protocol_check",
    "protocol_figures",
    "protocol_messages",
    "revision_answer_rows",
    "revision_build",
    "submission_build",
    "submission_correct",
    "submission_record",
    "submissions_delete",
    "submission_validate",
]
