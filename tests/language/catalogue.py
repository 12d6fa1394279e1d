"""The product's translatable strings, read from its templates and Python code, and the Russian catalogue.

Templates are read the way makemessages reads them (Django's templatize), Python modules with ast: a call of
gettext, gettext_lazy, _, pgettext, ngettext ... with literal arguments is a message. The strings the browser scripts
show come from Python (observe.templatetags.observe.observe_messages), so they are covered too.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def product_packages() -> list[Path]:
    """The product's Python packages: every top-level package of the repository but the tests, so a new app is
    read without anyone remembering to list it here."""
    return sorted(path.parent for path in ROOT.glob("*/__init__.py") if path.parent.name != "tests")


SINGULAR = {"gettext", "gettext_lazy", "_", "gettext_noop", "_lazy"}
PLURAL = {"ngettext", "ngettext_lazy"}
CONTEXT = {"pgettext", "pgettext_lazy"}
CONTEXT_PLURAL = {"npgettext", "npgettext_lazy"}


@dataclass(frozen=True)
class Message:
    msgid: str
    context: str = ""
    plural: str = ""


def _message(name: str, args: list[str]) -> Message | None:
    if name in SINGULAR and len(args) >= 1:
        return Message(args[0])
    if name in PLURAL and len(args) >= 2:
        return Message(args[0], plural=args[1])
    if name in CONTEXT and len(args) >= 2:
        return Message(args[1], context=args[0])
    if name in CONTEXT_PLURAL and len(args) >= 3:
        return Message(args[1], context=args[0], plural=args[2])
    return None


_CALL = re.compile(r"\b(npgettext|ngettext|pgettext|gettext|_)\(")
_LITERAL = re.compile(r"""\s*u?('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")\s*,?""")


def template_messages(path: Path) -> list[Message]:
    """Messages of one template, as makemessages would extract them."""
    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    found = []
    for call in _CALL.finditer(code):
        args: list[str] = []
        position = call.end()
        while literal := _LITERAL.match(code, position):
            args.append(ast.literal_eval(literal.group(1)))
            position = literal.end()
        message = _message(call.group(1), args)
        if message is not None and message.msgid:
            found.append(message)
    return found


def python_messages(path: Path) -> list[Message]:
    """Messages of one Python module: translation calls whose arguments are string literals."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        literals = []
        for arg in node.args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                literals.append(arg.value)
            else:
                break
        message = _message(name or "", literals)
        if message is not None and message.msgid:
            found.append(message)
    return found


def product_messages() -> dict[Message, str]:
    """Every message of the product, with the first file that uses it."""
    where: dict[Message, str] = {}
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in (".html", ".txt") and path.is_file():
            for message in template_messages(path):
                where.setdefault(message, str(path.relative_to(ROOT)))
    for package in product_packages():
        for path in sorted(package.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for message in python_messages(path):
                where.setdefault(message, str(path.relative_to(ROOT)))
    return where


_STRING = re.compile(r'^"(.*)"$')


def _unquote(text: str) -> str:
    return ast.literal_eval('"' + text + '"')


def read_catalogue(path: Path = CATALOGUE) -> dict[Message, list[str]]:
    """The catalogue's entries: message -> its translations (one per plural form); fuzzy entries are left out."""
    entries: dict[Message, list[str]] = {}
    fields: dict[str, str] = {}
    current = None
    fuzzy = False

    def close():
        nonlocal fields, fuzzy, current
        if "msgid" in fields and fields["msgid"] and not fuzzy:
            translations = [value for key, value in sorted(fields.items()) if key.startswith("msgstr")]
            message = Message(fields["msgid"], fields.get("msgctxt", ""), fields.get("msgid_plural", ""))
            entries[message] = translations
        fields, fuzzy, current = {}, False, None

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            close()
            continue
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
            continue
        if line.startswith("#"):
            continue
        keyword, _space, rest = line.partition(" ")
        if (
            keyword in ("msgctxt", "msgid")
            and "msgid" in fields
            and keyword == "msgctxt"
            or (keyword == "msgid" and "msgid" in fields)
        ):
            close()
        match = _STRING.match(rest) if rest else None
        if keyword in ("msgctxt", "msgid", "msgid_plural") or keyword.startswith("msgstr"):
            current = keyword
            fields[current] = _unquote(match.group(1)) if match else ""
        else:
            string = _STRING.match(line)
            if string and current:
                fields[current] += _unquote(string.group(1))
    return entries
