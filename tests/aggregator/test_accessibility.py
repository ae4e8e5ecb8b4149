from __future__ import annotations

import pytest

from pluriel.aggregator.accessibility import features, map_accessibility
from pluriel.model import LANGUAGES


def test_vocabulary_has_labels_in_five_languages() -> None:
    ids = [f.id for f in features()]
    assert ids[:5] == [
        "wheelchair",
        "hearing-loop",
        "sign-language",
        "audio-description",
        "surtitles",
    ]
    assert {"easy-to-read", "relaxed-performance", "braille", "tactile", "assistance-dogs"} <= set(
        ids
    )
    assert all(set(f.labels) == set(LANGUAGES) for f in features())


def test_openagenda_codes() -> None:
    assert map_accessibility(["mi", "hi", "vi", "ii", "pi"]) == (
        "wheelchair",
        "hearing-impairment",
        "visual-impairment",
        "intellectual-impairment",
        "psychic-impairment",
    )


def test_uitdatabank_facilities() -> None:
    assert map_accessibility(
        ["3.23.1.0.0", "Ringleiding", "Audiodescriptie", "Vlaamse Gebarentaal", "Prikkelarm aanbod"]
    ) == ("wheelchair", "hearing-loop", "sign-language", "audio-description", "relaxed-performance")


def test_schema_org_accessibility_features() -> None:
    assert map_accessibility(
        ["audioDescription", "signLanguage", "captions", "braille", "largePrint"]
    ) == (
        "sign-language",
        "audio-description",
        "surtitles",
        "braille",
        "large-print",
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("accessible PMR", ("wheelchair",)),
        ("Salle accessible aux personnes à mobilité réduite", ("wheelchair",)),
        ("rollstuhlgerecht", ("wheelchair",)),
        ("Accessibel mam Rollstull", ("wheelchair",)),
        ("Rolstoeltoegankelijk", ("wheelchair",)),
        ("Mit Induktionsschleife im Saal", ("hearing-loop",)),
        ("boucle magnétique", ("hearing-loop",)),
        ("Gebärdensprache", ("sign-language",)),
        ("Spectacle traduit en LSF", ("sign-language",)),
        ("LSF", ("sign-language",)),
        ("audiodescription", ("audio-description",)),
        ("Séance relax", ("relaxed-performance",)),
        ("Leichte Sprache", ("easy-to-read",)),
        ("FALC", ("easy-to-read",)),
        ("Surtitré en français et en allemand", ("surtitles",)),
        ("Surtitrage en français", ("surtitles",)),
        ("Iwwertitelen op Englesch", ("surtitles",)),
        ("Chiens d'assistance bienvenus", ("assistance-dogs",)),
        ("Quiet room available", ("quiet-space",)),
        ("Toilettes PMR", ("accessible-toilets",)),
    ],
)
def test_free_words(value: str, expected: tuple[str, ...]) -> None:
    assert map_accessibility([value]) == expected


def test_codes_only_match_whole_values() -> None:
    assert map_accessibility(["Hi there, mi amigo"]) == ()


def test_duplicates_and_unknown_values_collapse() -> None:
    assert map_accessibility(["wheelchair", "Rollstuhl", "", "parking gratuit", "Wheelchair"]) == (
        "wheelchair",
    )


def test_several_features_in_one_sentence() -> None:
    assert map_accessibility(
        ["Accessible en fauteuil roulant, boucle magnétique et audiodescription sur demande"]
    ) == ("wheelchair", "hearing-loop", "audio-description")
