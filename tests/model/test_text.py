from __future__ import annotations

import pytest

from pluriel.model import I18nText, fallback_chain, fold, normalise_lang


@pytest.mark.parametrize(
    ("asked", "chain"),
    [
        ("lb", ("lb", "de", "fr")),
        ("de", ("de", "lb", "fr")),
        ("fr", ("fr", "en")),
        ("nl", ("nl", "fr", "de")),
        ("en", ("en", "fr", "de")),
        ("de-LU", ("de", "lb", "fr")),
        ("it", ("it",)),
        (None, ()),
    ],
)
def test_fallback_chain_follows_the_region_order(asked: str | None, chain: tuple[str, ...]) -> None:
    assert fallback_chain(asked) == chain


def test_get_falls_back_through_the_region_then_to_any() -> None:
    text = I18nText.of([("fr", "Concert"), ("de", "Konzert")])
    assert [text.get(lang) for lang in ("lb", "de", "fr", "nl", "en", "it", None)] == [
        "Konzert",
        "Konzert",
        "Concert",
        "Concert",
        "Concert",
        "Concert",
        "Concert",
    ]
    only_nl = I18nText.of({"nl": "Concert in de zaal"})
    assert only_nl.get("lb") == "Concert in de zaal"
    assert only_nl.lang_of("lb") == "nl"


def test_empty_entries_are_dropped_and_first_declaration_wins() -> None:
    text = I18nText.of([("FR", "Bonjour"), ("de", "  "), ("fr-BE", "Salut"), ("ltz", "Moien")])
    assert text.items == (("fr", "Bonjour"), ("lb", "Moien"))
    assert text.languages == ("fr", "lb")
    assert not I18nText.single(None)


def test_merged_keeps_own_languages_first() -> None:
    fr = I18nText.of({"fr": "Visite guidée"})
    other = I18nText.of({"de": "Führung", "fr": "Visite"})
    assert fr.merged(other).items == (("fr", "Visite guidée"), ("de", "Führung"))


@pytest.mark.parametrize(
    ("tag", "code"),
    [("de-LU", "de"), ("FR_be", "fr"), ("ltz", "lb"), ("", "und"), ("x-klingon-1", "und")],
)
def test_normalise_lang(tag: str, code: str) -> None:
    assert normalise_lang(tag) == code


def test_fold_removes_accents_and_case() -> None:
    assert fold("Musée de la Cour d'Or — ÉTÉ") == "musee de la cour d'or — ete"
    assert fold("Straße, Œuvre, Kënschtler") == "strasse, oeuvre, kenschtler"
