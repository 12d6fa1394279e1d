"""Listeners of other apps' signals: a stored urgent form opens a case."""

from __future__ import annotations

from .services import case_open, needs_case


def case_open_on_submission(sender, submission, **kwargs) -> None:
    """Open the case of an urgent form right after it is stored (the e-mail goes out through the broker)."""
    if needs_case(submission):
        case_open(submission=submission)
