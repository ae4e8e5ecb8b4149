"""The EventFilter fields beyond the first cut: places, localities, near, languages, flags."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from tests import factories as f
from tests.graphql.conftest import Run

WHEN = datetime(2026, 10, 3, 18, tzinfo=UTC)

EVENTS = """
query($filter: EventFilter) { events(filter: $filter, first: 100) { edges { node { title } } } }
"""
OCCURRENCES = """
query($filter: EventFilter) {
  occurrences(filter: $filter, first: 100) { edges { node { status event { title } } } }
}
"""


def titles(gql: Run, **flt: Any) -> list[str]:
    result = gql(EVENTS, filter=flt)
    assert result.errors == []
    assert result.data is not None
    return [edge["node"]["title"] for edge in result.data["events"]["edges"]]


@pytest.fixture
def places(conn: psycopg.Connection[Any]) -> dict[str, int]:
    institution = f.institution(conn, country="LU")
    esch = f.place(
        conn,
        name={"fr": "Kulturfabrik"},
        locality="Esch-sur-Alzette",
        country="LU",
        lat=49.4958,
        lon=5.9806,
    )
    luxembourg = f.place(
        conn,
        name={"fr": "Philharmonie"},
        locality="Luxembourg",
        country="LU",
        lat=49.6186,
        lon=6.1400,
    )
    saarbruecken = f.place(
        conn,
        name={"de": "Saarlandhalle"},
        locality="Saarbrücken",
        country="DE",
        lat=49.2330,
        lon=6.9820,
    )
    f.event(
        conn,
        institution_id=institution,
        place_id=esch,
        texts={"fr": ("Esch", None)},
        occurrences=[WHEN],
        is_free=True,
        accessibility=["wheelchair", "hearing-loop"],
    )
    f.event(
        conn,
        institution_id=institution,
        place_id=luxembourg,
        texts={"lb": ("Stad", None), "fr": ("Ville", None)},
        occurrences=[f.Occ(WHEN, None, status="cancelled")],
        is_free=False,
        accessibility=["wheelchair"],
        attendance_mode="mixed",
    )
    f.event(
        conn,
        institution_id=institution,
        place_id=saarbruecken,
        texts={"de": ("Saarbrücken", None)},
        occurrences=[WHEN],
        status="postponed",
        attendance_mode="online",
    )
    conn.commit()
    return {"esch": esch, "luxembourg": luxembourg, "saarbruecken": saarbruecken}


def test_place_ids(gql: Run, places: dict[str, int]) -> None:
    assert titles(gql, placeIds=[str(places["esch"]), str(places["saarbruecken"])]) == [
        "Esch",
        "Saarbrücken",
    ]


def test_localities_ignore_accents_and_case(gql: Run, places: dict[str, int]) -> None:
    assert titles(gql, localities=["saarbrucken"]) == ["Saarbrücken"]
    assert titles(gql, localities=["ESCH-SUR-ALZETTE", "Luxembourg"]) == ["Esch", "Stad"]


def test_near_keeps_places_inside_the_circle(gql: Run, places: dict[str, int]) -> None:
    # Esch to Luxembourg city is about 17 km; Saarbrücken is about 65 km from Luxembourg.
    city = {"lat": 49.6116, "lon": 6.1319}
    assert titles(gql, near={**city, "radiusKm": 5}) == ["Stad"]
    assert titles(gql, near={**city, "radiusKm": 20}) == ["Esch", "Stad"]
    assert titles(gql, near={**city, "radiusKm": 80}) == ["Esch", "Stad", "Saarbrücken"]


def test_languages(gql: Run, places: dict[str, int]) -> None:
    assert titles(gql, languages=["lb"]) == ["Stad"]
    assert titles(gql, languages=["de", "fr"]) == ["Esch", "Stad", "Saarbrücken"]


def test_free(gql: Run, places: dict[str, int]) -> None:
    assert titles(gql, free=True) == ["Esch"]
    assert titles(gql, free=False) == ["Stad"]


def test_accessibility_requires_every_feature(gql: Run, places: dict[str, int]) -> None:
    assert titles(gql, accessibility=["wheelchair"]) == ["Esch", "Stad"]
    assert titles(gql, accessibility=["wheelchair", "hearing-loop"]) == ["Esch"]


def test_attendance_modes(gql: Run, places: dict[str, int]) -> None:
    assert titles(gql, attendanceModes=["ONLINE", "MIXED"]) == ["Stad", "Saarbrücken"]
    assert titles(gql, attendanceModes=["OFFLINE"]) == ["Esch"]


def test_statuses_of_events_and_of_dates(gql: Run, places: dict[str, int]) -> None:
    assert titles(gql, statuses=["POSTPONED"]) == ["Saarbrücken"]
    result = gql(OCCURRENCES, filter={"statuses": ["CANCELLED"]})
    assert (result.errors, result.data) == (
        [],
        {"occurrences": {"edges": [{"node": {"status": "CANCELLED", "event": {"title": "Stad"}}}]}},
    )


@pytest.mark.parametrize(
    ("near", "message"),
    [
        ({"lat": 91, "lon": 6, "radiusKm": 5}, "`near` is not a point on Earth: lat 91.0, lon 6.0"),
        ({"lat": 49, "lon": 6, "radiusKm": 0}, "`radiusKm` must be above 0 and at most 500"),
        ({"lat": 49, "lon": 6, "radiusKm": 501}, "`radiusKm` must be above 0 and at most 500"),
    ],
)
def test_a_bad_circle_is_refused(
    gql: Run, places: dict[str, int], near: dict[str, float], message: str
) -> None:
    result = gql(EVENTS, filter={"near": near})
    assert (result.data, result.errors) == (None, [message])
