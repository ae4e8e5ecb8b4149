"""The five catalogs are complete, and the template holds every message the code uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from pluriel.locales import LANGUAGES, gettext, pgettext, resolve_lang, translator
from pluriel.web.widget.messages import CONTEXT, MESSAGES

SRC = Path(__file__).resolve().parents[2] / "src" / "pluriel"
LOCALES = SRC / "locales"
# How pluriel's code marks messages: N_(msgid), NP_(ctx, msgid), gettext(lang, msgid),
# pgettext(lang, ctx, msgid).
KEYWORDS = {"N_": None, "NP_": ((1, "c"), 2), "gettext": (2,), "pgettext": ((2, "c"), 3)}
PLACEHOLDER = re.compile(r"\{(\w*)\}")
# Jinja2 templates whose _("…") calls are interface strings.
TEMPLATES = (SRC / "web" / "templates", SRC / "web" / "submit" / "templates")
# Translations that are rightly the same word as in English, by language.
SAME_AS_ENGLISH = {
    ("fr", CONTEXT, "Agenda"),
    ("fr", CONTEXT, "Dates"),
    ("lb", CONTEXT, "Agenda"),
    ("nl", CONTEXT, "Agenda"),
    ("nl", CONTEXT, "Filters"),
    ("nl", CONTEXT, "Website"),
}


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _keys(catalog: Catalog) -> set[tuple[str, str | None]]:
    return {(str(m.id), m.context) for m in catalog if m.id}


def _used_in_code() -> set[tuple[str, str | None]]:
    found = {
        (msg, ctx)
        for _, _, msg, _, ctx in extract_from_dir(
            str(SRC), method_map=[("**.py", "python")], keywords=KEYWORDS
        )
    }
    for templates in TEMPLATES:
        if templates.is_dir():
            found |= {
                (msg if isinstance(msg, str) else msg[0], ctx)
                for _, _, msg, _, ctx in extract_from_dir(
                    str(templates), method_map=[("**.html", "jinja2.ext:babel_extract")]
                )
            }
    return found


def test_the_submission_templates_are_extracted() -> None:
    assert ("Submit an event", None) in _used_in_code()
    assert ("Reason for rejecting (the institution will see it)", None) in _used_in_code()


def test_the_widget_messages_are_extracted_with_their_context() -> None:
    used = _used_in_code()
    assert ("Events shown: {n}", "widget") in used
    assert sorted({(msgid, CONTEXT) for msgid in MESSAGES.values()} - used) == []


def test_every_message_of_the_code_is_in_the_template() -> None:
    used = _used_in_code()
    template = _keys(_read(LOCALES / "messages.pot"))
    assert len(used) >= 40
    assert sorted(used - template) == []
    assert sorted(template - used) == []  # nothing stale either


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_is_complete_and_nothing_is_fuzzy(lang: str) -> None:
    template = _keys(_read(LOCALES / "messages.pot"))
    catalog = _read(LOCALES / lang / "LC_MESSAGES" / "messages.po", locale=lang)
    assert str(catalog.locale) == lang
    assert sorted(template - _keys(catalog)) == []
    problems = [
        (m.id, "empty" if not m.string else "fuzzy")
        for m in catalog
        if m.id and (not m.string or m.fuzzy)
    ]
    assert problems == []
    assert not catalog.fuzzy
    assert list(catalog.obsolete) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders(lang: str) -> None:
    catalog = _read(LOCALES / lang / "LC_MESSAGES" / "messages.po", locale=lang)
    mismatched = [
        m.id
        for m in catalog
        if m.id
        and sorted(PLACEHOLDER.findall(str(m.id))) != sorted(PLACEHOLDER.findall(str(m.string)))
    ]
    assert mismatched == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_widget_string_is_translated(lang: str) -> None:
    catalog = _read(LOCALES / lang / "LC_MESSAGES" / "messages.po", locale=lang)
    missing = [
        (key, msgid)
        for key, msgid in MESSAGES.items()
        if (entry := catalog.get(msgid, context=CONTEXT)) is None or not entry.string or entry.fuzzy
    ]
    assert missing == []


def test_translations_differ_from_english_outside_english() -> None:
    template = [(str(m.id), m.context) for m in _read(LOCALES / "messages.pot") if m.id]
    for lang in ("fr", "de", "lb", "nl"):
        same = [
            (msgid, context)
            for msgid, context in template
            if (lang, context, msgid) not in SAME_AS_ENGLISH
            and (
                translator(lang).pgettext(context, msgid)
                if context
                else translator(lang).gettext(msgid)
            )
            == msgid
        ]
        assert same == [], lang


def test_the_same_as_english_exceptions_are_all_needed() -> None:
    assert (
        sorted(
            (lang, context, msgid)
            for lang, context, msgid in SAME_AS_ENGLISH
            if pgettext(lang, context, msgid) != msgid
        )
        == []
    )


def test_widget_strings_come_from_the_catalogs() -> None:
    assert [pgettext(lang, CONTEXT, "Events shown: {n}") for lang in LANGUAGES] == [
        "Événements affichés : {n}",
        "Angezeigte Veranstaltungen: {n}",
        "Gewise Evenementer: {n}",
        "Events shown: {n}",
        "Getoonde evenementen: {n}",
    ]
    assert pgettext("lb", CONTEXT, "cancelled") == "ofgesot"


def test_gettext_fills_placeholders_in_each_language() -> None:
    msgid = "This text is too long: at most {max} characters."
    assert [gettext(lang, msgid, max=300) for lang in LANGUAGES] == [
        "Ce texte est trop long : 300 caractères au maximum.",
        "Dieser Text ist zu lang: höchstens 300 Zeichen.",
        "Dësen Text ass ze laang: héchstens 300 Zeechen.",
        "This text is too long: at most 300 characters.",
        "Deze tekst is te lang: hoogstens 300 tekens.",
    ]


def test_unknown_languages_answer_in_english_and_regional_tags_in_their_base() -> None:
    assert [resolve_lang(x) for x in ("pt", None, "", "de-LU", "fr_BE", "ltz", "LB")] == [
        "en",
        "en",
        "en",
        "de",
        "fr",
        "lb",
        "lb",
    ]
    assert gettext("pt", "This field is required.") == "This field is required."
    assert gettext("de-LU", "This field is required.") == "Dieses Feld ist erforderlich."
    assert translator("fr-BE") is translator("fr")


def test_a_message_missing_from_the_catalog_comes_back_untranslated() -> None:
    assert gettext("fr", "Not a message of pluriel") == "Not a message of pluriel"
    assert pgettext("de", "form", "Not a message either") == "Not a message either"
