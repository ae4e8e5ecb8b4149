from __future__ import annotations

import pytest

from pluriel.aggregator.taxonomy import Mapped, key, load_taxonomy, map_categories, taxonomy_rows
from pluriel.model import LANGUAGES


def test_tree_has_about_thirty_categories_with_five_labels() -> None:
    taxonomy = load_taxonomy()
    assert taxonomy.version == 1
    assert len(taxonomy.categories) == 30
    assert all(set(c.labels) == set(LANGUAGES) for c in taxonomy.categories)


def test_rows_come_parent_first() -> None:
    rows = taxonomy_rows()
    seen: set[str] = set()
    for cid, parent, _labels, _position in rows:
        assert parent is None or parent in seen
        seen.add(cid)
    assert rows[0] == (
        "concert",
        None,
        {"fr": "Concert", "de": "Konzert", "lb": "Concert", "en": "Concert", "nl": "Concert"},
        0,
    )
    assert ("concert-jazz", "concert") in {(r[0], r[1]) for r in rows}
    assert ("musical", "theatre") in {(r[0], r[1]) for r in rows}


def test_no_free_keyword_points_to_two_categories() -> None:
    ambiguous = {k: v for k, v in load_taxonomy().index.items() if len(v) > 1}
    assert ambiguous == {
        "fete de la musique": ("festival", "concert"),
        "nuit des musees": ("festival", "exhibition"),
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("MusicEvent", ("concert",)),
        ("TheaterEvent", ("theatre",)),
        ("DanceEvent", ("dance",)),
        ("ScreeningEvent", ("cinema",)),
        ("ExhibitionEvent", ("exhibition",)),
        ("VisualArtsEvent", ("exhibition", "exhibition-art")),
        ("LiteraryEvent", ("literature",)),
        ("ChildrensEvent", ("family",)),
        ("Festival", ("festival",)),
        ("EducationEvent", ("workshop",)),
        ("ComedyEvent", ("comedy",)),
        ("https://schema.org/MusicEvent", ("concert",)),
    ],
)
def test_schema_org_types(value: str, expected: tuple[str, ...]) -> None:
    assert map_categories([value]) == Mapped(expected, ())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Concerts", ("concert",)),
        ("Kids & Family", ("family",)),
        ("Theatre & Performance", ("theatre",)),
        ("Talks & Lectures", ("talk",)),
        ("Virtual Events", ("online",)),
        ("Food & Drink", ("gastronomy",)),
        ("Tours", ("guided-tour",)),
    ],
)
def test_the_events_calendar_categories(value: str, expected: tuple[str, ...]) -> None:
    assert map_categories([value]) == Mapped(expected, ())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Jeune public", ("family",)),
        ("Spectacle vivant", ("theatre",)),
        ("Conférence / débat", ("talk",)),
        ("Atelier / stage", ("workshop",)),
        ("Journées européennes du patrimoine", ("heritage",)),
        ("Fête de la musique", ("concert", "festival")),
        ("Lecture", ("literature", "reading")),
    ],
)
def test_openagenda_keywords(value: str, expected: tuple[str, ...]) -> None:
    assert map_categories([value]) == Mapped(expected, ())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.50.4.0.0", ("concert",)),
        ("0.55.0.0.0", ("theatre",)),
        ("0.0.0.0.0", ("exhibition",)),
        ("0.54.0.0.0", ("dance",)),
        ("0.50.6.0.0", ("cinema",)),
        ("0.3.1.0.0", ("workshop",)),
        ("0.7.0.0.0", ("guided-tour",)),
        ("Theatervoorstelling", ("theatre",)),
        ("Tentoonstelling", ("exhibition",)),
        ("Begeleide rondleiding", ("guided-tour",)),
        ("Jazz en blues", ("concert", "concert-jazz")),
    ],
)
def test_uitdatabank_types(value: str, expected: tuple[str, ...]) -> None:
    assert map_categories([value]) == Mapped(expected, ())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # fr
        ("concert", ("concert",)),
        ("spectacle", ("theatre",)),
        ("expo", ("exhibition",)),
        ("visite guidée", ("guided-tour",)),
        ("atelier", ("workshop",)),
        ("jeune public", ("family",)),
        ("CINÉMA", ("cinema",)),
        # de
        ("Konzert", ("concert",)),
        ("Ausstellung", ("exhibition",)),
        ("Lesung", ("literature", "reading")),
        ("Führung", ("guided-tour",)),
        ("Kino", ("cinema",)),
        ("Kinder", ("family",)),
        # lb
        ("Theaterstéck", ("theatre",)),
        ("Féierung", ("guided-tour",)),
        ("Liesung", ("literature", "reading")),
        ("Kanner", ("family",)),
        ("Chrëschtmaart", ("market",)),
        # en
        ("Film", ("cinema",)),
        ("Workshop", ("workshop",)),
        ("Guided tour", ("guided-tour",)),
        ("Stand-up", ("comedy",)),
        # nl
        ("Rondleiding", ("guided-tour",)),
        ("Voorstelling", ("theatre",)),
        ("Voor kinderen", ("family",)),
        ("Lezing", ("talk",)),
    ],
)
def test_free_keywords_in_five_languages(value: str, expected: tuple[str, ...]) -> None:
    assert map_categories([value]) == Mapped(expected, ())


def test_compound_values_are_split() -> None:
    assert map_categories(["Konzert / Klassik", "Jazz Konzert", "Sommerkonzert"]) == Mapped(
        ("concert", "concert-classical", "concert-jazz"), ()
    )


def test_compound_words_map_by_their_head() -> None:
    assert map_categories(["Kinderkino", "Jazzfestival", "Orgelkonzert"]) == Mapped(
        ("concert", "cinema", "festival", "concert-classical"), ()
    )


def test_unmapped_values_are_returned_once_and_generic_words_ignored() -> None:
    assert map_categories(
        ["Uncategorized", "Veranstaltung", "Schueberfouer", "Schueberfouer", " ", "Konzert"]
    ) == Mapped(("concert",), ("Schueberfouer",))


def test_long_names_are_not_split_into_words() -> None:
    assert map_categories(["Théâtre de la Ville de Luxembourg"]) == Mapped(
        (), ("Théâtre de la Ville de Luxembourg",)
    )


def test_without_ancestors() -> None:
    assert map_categories(["Jazz"], ancestors=False) == Mapped(("concert-jazz",), ())


def test_key_folds_case_accents_and_punctuation() -> None:
    assert key("  Kids & Family ") == "kids family"
    assert key("Théâtre d'été") == "theatre d ete"
