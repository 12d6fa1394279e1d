"""Every string the product shows has a Russian translation in the catalogue."""

import re

from tests.language.catalogue import Message, product_messages, read_catalogue


def test_every_template_and_code_string_is_translated_to_russian():
    catalogue = read_catalogue()
    missing = [
        f"{where}: {message.msgid!r}" + (f" (context {message.context!r})" if message.context else "")
        for message, where in product_messages().items()
        if not all(catalogue.get(message, [""]))
    ]
    assert not missing, f"{len(missing)} strings have no Russian translation:\n" + "\n".join(sorted(missing))


def test_the_catalogue_reader_finds_translations_and_refuses_untranslated_ones(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Team"\nmsgstr "Команда"\n\n'
        'msgctxt "incidents page"\nmsgid "Updated %(time)s"\nmsgstr "Обновлено %(time)s"\n\n'
        '#, fuzzy\nmsgid "Region"\nmsgstr "Регион"\n\n'
        'msgid ""\n"Two "\n"lines"\nmsgstr ""\n\n'
        'msgid "%(n)s form"\nmsgid_plural "%(n)s forms"\nmsgstr[0] "%(n)s форма"\nmsgstr[1] "%(n)s формы"\n'
        'msgstr[2] "%(n)s форм"\n',
        encoding="utf-8",
    )
    catalogue = read_catalogue(po)
    assert catalogue[Message("Team")] == ["Команда"]
    assert catalogue[Message("Updated %(time)s", context="incidents page")] == ["Обновлено %(time)s"]
    assert Message("Region") not in catalogue
    assert catalogue[Message("Two lines")] == [""]
    assert catalogue[Message("%(n)s form", plural="%(n)s forms")] == ["%(n)s форма", "%(n)s формы", "%(n)s форм"]


def test_every_russian_translation_keeps_the_placeholders_of_its_english_string():
    placeholder = re.compile(r"%\(\w+\)s|%%")
    broken = [
        f"{message.msgid!r} -> {translation!r}"
        for message, translations in read_catalogue().items()
        for translation in translations
        if translation
        and sorted(placeholder.findall(translation)) != sorted(placeholder.findall(message.msgid))
        and not message.plural
    ]
    assert not broken, "\n".join(broken)


def test_the_russian_catalogue_names_long_and_short_term_observers_one_way():
    """LTO is ДН and STO is КН everywhere, so a coordinator never meets two abbreviations for one role."""
    wrong = []
    for message, translations in read_catalogue().items():
        for english, russian in (("LTO", "ДН"), ("STO", "КН")):
            if re.search(rf"\b{english}s?\b(?!-)", message.msgid):
                wrong += [
                    f"{message.msgid!r} -> {text!r}" for text in translations if not re.search(rf"\b{russian}\b", text)
                ]
    assert not wrong, "\n".join(wrong)
