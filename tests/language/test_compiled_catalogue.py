"""The compiled catalogue (.mo) the product reads says what the catalogue (.po) says: a .po merged or edited without
compiling again would leave Russian readers with English."""

from django.utils import translation
from django.utils.translation import gettext, pgettext

from tests.language.catalogue import read_catalogue


def test_the_compiled_russian_catalogue_holds_every_translation_of_the_po():
    stale = []
    with translation.override("ru"):
        for message, translations in read_catalogue().items():
            if message.plural or not translations or not translations[0]:
                continue
            found = pgettext(message.context, message.msgid) if message.context else gettext(message.msgid)
            if found != translations[0]:
                stale.append(f"{message.msgid!r}: {found!r}")
    assert not stale, (
        f"{len(stale)} translations of django.po are not in django.mo (run compilemessages):\n" + "\n".join(stale[:20])
    )
