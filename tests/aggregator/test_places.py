from __future__ import annotations

import pytest

from pluriel.aggregator.places import (
    KnownPlace,
    ParsedLocation,
    PlaceCandidate,
    haversine_m,
    load_gazetteer,
    match_place,
    name_key,
    parse_location_string,
)
from pluriel.model import I18nText, Location

GAZETTEER = load_gazetteer()


def candidate(raw: str, **fields: object) -> PlaceCandidate:
    return PlaceCandidate.from_location(Location(raw=raw, **fields))  # type: ignore[arg-type]


def matched(c: PlaceCandidate) -> str | None:
    found = GAZETTEER.match(c)
    linear = match_place(c, GAZETTEER.places)
    assert (found and found.place.id) == (linear and linear.place.id)
    return found.place.id if found else None


def test_seed_gazetteer_is_complete() -> None:
    assert len(GAZETTEER.places) == 42
    assert len({p.id for p in GAZETTEER.places}) == 42
    assert all(p.lat is not None and p.lon is not None and p.country for p in GAZETTEER.places)
    assert {p.country for p in GAZETTEER.places} == {"LU", "FR", "DE", "BE"}


def test_haversine() -> None:
    assert round(haversine_m(49.61862, 6.14057, 49.61862, 6.14057)) == 0
    # Philharmonie to Mudam: a few hundred metres across the Kirchberg plateau.
    assert round(haversine_m(49.61862, 6.14057, 49.61780, 6.14180)) == 127
    # Luxembourg to Metz, about 53 km as the crow flies.
    assert round(haversine_m(49.6116, 6.1319, 49.1193, 6.1757) / 1000) == 55


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Philharmonie, Luxembourg-Kirchberg",
            ParsedLocation("Philharmonie", None, None, "Luxembourg-Kirchberg", None),
        ),
        (
            "Théâtre des Capucins, 9 place du Théâtre, L-2613 Luxembourg",
            ParsedLocation(
                "Théâtre des Capucins", "9 place du Théâtre", "L-2613", "Luxembourg", "LU"
            ),
        ),
        (
            "Arsenal, 3 avenue Ney, 57000 Metz, France",
            ParsedLocation("Arsenal", "3 avenue Ney", "57000", "Metz", "FR"),
        ),
        (
            "Congresshalle - Hafenstraße 12 - 66111 Saarbrücken - Deutschland",
            ParsedLocation("Congresshalle", "Hafenstraße 12", "66111", "Saarbrücken", "DE"),
        ),
        ("Rotondes, Luxembourg", ParsedLocation("Rotondes", None, None, "Luxembourg", None)),
        ("Mudam", ParsedLocation("Mudam", None, None, None, None)),
        (
            "Rotenberg 6, 4700 Eupen, Belgien",
            ParsedLocation(None, "Rotenberg 6", "4700", "Eupen", "BE"),
        ),
    ],
)
def test_parse_location_string(text: str, expected: ParsedLocation) -> None:
    assert parse_location_string(text) == expected


def test_name_key_drops_articles_and_punctuation() -> None:
    assert name_key("L'Arsenal") == "arsenal"
    assert name_key("Les Rotondes") == "rotondes"
    assert name_key("Musée de la Cour d'Or") == "musee cour or"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Philharmonie, Luxembourg-Kirchberg", "lu-philharmonie"),
        ("Philharmonie Lëtzebuerg", "lu-philharmonie"),
        ("Grand Auditorium, Philharmonie Luxembourg", "lu-philharmonie"),
        ("Grand Théâtre, Luxemburg", "lu-grand-theatre"),
        ("Grand Théâtre de Luxembourg", "lu-grand-theatre"),
        ("Les Rotondes, Bonnevoie", "lu-rotondes"),
        ("Rotonden, Lëtzebuerg", "lu-rotondes"),
        ("Abbaye de Neumünster, Luxembourg-Grund", "lu-neimenster"),
        ("neimenster", "lu-neimenster"),
        ("Kulturfabrik, 116 rue de Luxembourg, L-4221 Esch-sur-Alzette", "lu-kulturfabrik"),
        ("Rockhal Club, Esch-Belval", "lu-rockhal"),
        ("L'Arsenal, Metz", "fr-arsenal-metz"),
        ("Centre Pompidou Metz", "fr-pompidou-metz"),
        ("BAM, 20 boulevard d'Trèves, 57070 Metz", "fr-bam-metz"),
        ("Staatstheater, Saarbrücken", "de-staatstheater-saarbrucken"),
        ("Moderne Galerie, Sarrebruck", "de-moderne-galerie"),
        ("Tufa, Trier", "de-tufa-trier"),
        ("Theater Trier", "de-theater-trier"),
        ("Maison de la Culture, Arlon", "be-maison-culture-arlon"),
        ("Alter Schlachthof, 4700 Eupen", "be-alter-schlachthof-eupen"),
        ("Théâtre de Namur", "be-theatre-namur"),
    ],
)
def test_strings_match_known_places(raw: str, expected: str) -> None:
    assert matched(candidate(raw)) == expected


def test_match_gives_score_and_reasons() -> None:
    found = GAZETTEER.match(
        candidate("Théâtre des Capucins, 9 place du Théâtre, L-2613 Luxembourg")
    )
    assert found is not None
    assert (found.place.id, found.score, found.reasons) == (
        "lu-theatre-capucins",
        1.0,
        ("name", "locality", "postal-code"),
    )


def test_coordinates_confirm_a_structured_location() -> None:
    c = PlaceCandidate(name=I18nText.of({"de": "Philharmonie"}), lat=49.6189, lon=6.1402)
    found = GAZETTEER.match(c)
    assert found is not None
    assert (found.place.id, found.score, found.reasons) == (
        "lu-philharmonie",
        1.0,
        ("name", "distance 41 m"),
    )


@pytest.mark.parametrize(
    "raw",
    [
        "Théâtre",  # generic: there are theatres in every town
        "Théâtre, Luxembourg",  # still generic: which of the city's theatres?
        "Grand Théâtre",  # generic words only and no locality
        "Salle des fêtes, Mersch",
        "Maison de la Culture, Namur",  # the one we know is in Arlon
        "Rotondes, Metz",  # a known name in another known city
        "Place du Théâtre, Luxembourg",  # an address is not a venue
        "Musée, Luxembourg-Grund",
    ],
)
def test_generic_or_contradicted_names_do_not_match(raw: str) -> None:
    assert matched(candidate(raw)) is None


def test_two_venues_on_the_same_square_stay_apart() -> None:
    # The Capucins and the Cinémathèque are both on the Place du Théâtre.
    near_both = {
        "lat": 49.61138,
        "lon": 6.13030,
        "street": "Place du Théâtre",
        "postal_code": "L-2613",
    }
    assert matched(PlaceCandidate(name=I18nText.single("Cinémathèque"), **near_both)) == (  # type: ignore[arg-type]
        "lu-cinematheque"
    )
    assert matched(PlaceCandidate(name=I18nText.single("Théâtre des Capucins"), **near_both)) == (  # type: ignore[arg-type]
        "lu-theatre-capucins"
    )
    assert matched(PlaceCandidate(name=I18nText.single("Théâtre"), **near_both)) is None  # type: ignore[arg-type]


def test_two_venues_on_the_same_street_stay_apart() -> None:
    assert matched(candidate("Natur Musée, 25 rue Münster, L-2160 Luxembourg")) == "lu-natur-musee"
    assert matched(candidate("Neimënster, 28 rue Münster, L-2160 Luxembourg")) == "lu-neimenster"


def test_far_coordinates_rule_a_match_out() -> None:
    c = PlaceCandidate(name=I18nText.single("Philharmonie"), lat=50.6381, lon=5.5656)
    assert matched(c) is None


def test_another_country_rules_a_match_out() -> None:
    assert matched(candidate("Arsenal", country="DE")) is None


def test_another_postal_code_rules_a_match_out() -> None:
    assert matched(candidate("Arsenal, 54000 Nancy")) is None


def test_distinctive_name_alone_matches_with_a_lower_score() -> None:
    found = GAZETTEER.match(candidate("Mudam"))
    assert found is not None
    assert (found.place.id, found.score, found.reasons) == ("lu-mudam", 0.8, ("name",))


def test_ambiguous_names_are_left_to_a_person() -> None:
    twins = [
        KnownPlace(id="a", names=("Kulturhaus Niederanven",), locality="Niederanven", country="LU"),
        KnownPlace(id="b", names=("Kulturhaus Niederanven",), locality="Niederanven", country="LU"),
    ]
    assert match_place(candidate("Kulturhaus Niederanven"), twins) is None


def test_a_location_without_a_name_matches_nothing() -> None:
    assert matched(PlaceCandidate(lat=49.61862, lon=6.14057)) is None
