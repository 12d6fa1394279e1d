"""Notices: messages written now and read later (a job's failure, a plan's warnings and reasons), in the reader's
language.

A notice is stored as data, `{"notice": "app.name", "params": {...}}`, never as a sentence: the sentence is written
out when someone reads it, in their language, the way protocol mismatches are (checklists.rules.flag_message).
Each app declares its texts in `<app>/notices.py` as `TEXTS = {"name": Text(gettext_lazy("..."), ...)}`; the
module is imported when a notice of the app is first read, so nothing is registered as a side effect.

Rows written before notices existed hold plain sentences; they are shown as they are.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.utils import translation
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Text:
    """A notice's sentence: gettext_lazy("... %(name)s ..."), or ngettext_lazy(singular, plural, "n") for one that
    varies with a number; `labels` turn a stored value into words at read time (e.g. a choice's value into its
    label, in the reader's language)."""

    message: Any
    labels: dict[str, Callable[[Any], str]] = field(default_factory=dict)


def notice(code: str, **params) -> dict:
    """A notice to store: its code ("app.name", declared in the app's notices.TEXTS) and its figures."""
    app, _dot, name = code.partition(".")
    if name not in _texts(app):
        raise KeyError(f"No notice {code!r} in {app}.notices.TEXTS")
    return {"notice": code, "params": params}


def notice_dumps(code: str, **params) -> str:
    """A notice for a text column (a job's error): the same data as JSON."""
    return json.dumps(notice(code, **params), ensure_ascii=False)


def _texts(app: str) -> dict[str, Text]:
    return import_module(f"{app}.notices").TEXTS


def _loaded(value) -> Any:
    if isinstance(value, str) and value.startswith('{"notice"'):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def is_notice(value) -> bool:
    value = _loaded(value)
    return isinstance(value, dict) and isinstance(value.get("notice"), str)


def notice_text(value, language: str | None = None) -> str:
    """A stored notice (or its JSON) as a sentence in `language` (default: the active one); a sentence stored
    before notices existed is returned as it is."""
    value = _loaded(value)
    if not is_notice(value):
        return "" if value is None else str(value)
    if language:
        with translation.override(language):
            return notice_text(value)
    app, _dot, name = value["notice"].partition(".")
    try:
        text = _texts(app)[name]
    except (ImportError, KeyError, AttributeError):
        return value["notice"]
    params = dict(value.get("params") or {})
    for key, label in text.labels.items():
        if key in params:
            params[key] = label(params[key])
    try:
        return str(text.message % params)
    except (KeyError, TypeError, ValueError):
        return value["notice"]


def notice_texts(values: Iterable, language: str | None = None) -> list[str]:
    return [notice_text(value, language) for value in values or []]


def listed(values: Iterable | None, limit: int | None = 20) -> str:
    """Codes or names listed in a sentence: "A, B, C" (the first `limit`, then "…"; every one when limit is None)."""
    values = [str(value) for value in values or []]
    if limit is None or len(values) <= limit:
        return ", ".join(values)
    return ", ".join(values[:limit]) + ", …"


def refusal(error) -> dict:
    """A ValidationError or PermissionDenied a job met, as a notice: each message by its English source and its
    figures (``ValidationError(gettext_lazy("... %(x)s ..."), params={"x": ...})``), so that it is written out in
    the reader's language; a message formatted before it was raised reads in the language it was written in."""
    if hasattr(error, "error_list") or hasattr(error, "error_dict"):
        items = getattr(error, "error_list", None) or [e for errs in error.error_dict.values() for e in errs]
        reasons = [(item.message, item.params) for item in items]
    else:
        reasons = [(error.args[0] if error.args else "", None)]
    written = []
    with translation.override(None):  # the messages' English sources, not any language's translation
        for message, params in reasons:
            figures = {key: str(value) for key, value in params.items()} if isinstance(params, dict) else None
            written.append({"message": str(message), "params": figures})
    if len(written) == 1 and is_notice(written[0]["message"]):
        return _loaded(written[0]["message"])  # the refusal is a notice already (a job's own outcome)
    return notice("jobs.refused", reasons=written)


def _reasons(reasons) -> str:
    texts = []
    for reason in reasons or []:
        message = reason.get("message", "")
        if is_notice(message):
            texts.append(notice_text(message))
            continue
        text = gettext(message)
        texts.append(text % reason["params"] if reason.get("params") else text)
    return "; ".join(texts)


def _what(noun: str) -> str:
    """The name of a kind of job (a lifecycle's `what`, marked with gettext_noop) in the reader's language."""
    return gettext(noun)


TEXTS = {
    "broker_down": Text(
        _(
            "The task queue is not reachable right now. This is saved as queued and will be sent automatically "
            "when the queue is back; nothing needs to be requested again."
        )
    ),
    "gave_up": Text(
        ngettext_lazy(
            "Gave up after %(n)s attempt: the process running this %(what)s stopped each time (killed, out of "
            "memory or over the time limit). Try a narrower request or ask an administrator.",
            "Gave up after %(n)s attempts: the process running this %(what)s stopped each time (killed, out of "
            "memory or over the time limit). Try a narrower request or ask an administrator.",
            "n",
        ),
        labels={"what": _what},
    ),
    "too_long": Text(_("The %(what)s took longer than %(seconds)s seconds and was stopped."), labels={"what": _what}),
    "database_down": Text(_("Database unavailable; retrying.")),
    "failed": Text(_("The %(what)s failed: %(error)s"), labels={"what": _what}),
    "stopped_given_up": Text(
        ngettext_lazy(
            "The process running this %(what)s stopped responding %(n)s time; it was given up.",
            "The process running this %(what)s stopped responding %(n)s times; it was given up.",
            "n",
        ),
        labels={"what": _what},
    ),
    "stopped_queued_again": Text(
        _("The process running this %(what)s stopped responding; it was queued again."), labels={"what": _what}
    ),
    "refused": Text(_("%(reasons)s"), labels={"reasons": _reasons}),
    "not_finished": Text(_("The job did not finish within its time limit (the worker stopped?); start it again.")),
}


def notices_written(data, language: str | None = None):
    """A stored structure (a job's summary) with every notice in it written out as a sentence."""
    if is_notice(data):
        return notice_text(data, language)
    if isinstance(data, dict):
        return {key: notices_written(value, language) for key, value in data.items()}
    if isinstance(data, list):
        return [notices_written(value, language) for value in data]
    return data
