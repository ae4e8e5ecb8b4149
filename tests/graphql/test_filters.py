"""Every EventFilter field, on events and on occurrences, against one small agenda."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from tests import factories as f
from tests.graphql.conftest import Run


def at(day: int, hour: int = 0, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def seed(conn: psycopg.Connection[Any]) -> dict[str, int]:
    lu = f.institution(conn, slug="neimenster", name="Neimënster", country="LU")
    de = f.institution(conn, slug="staatstheater", name="Staatstheater", country="DE")
    be = f.institution(conn, slug="arlon", name="Maison de la culture", country="BE")
    metz = f.place(conn, name={"fr": "Centre Pompidou-Metz"}, locality="Metz", country="FR")
    f.category(conn, "music", labels={"fr": "Musique", "de": "Musik"})
    f.category(conn, "music-jazz", labels={"fr": "Jazz"}, parent="music")
    f.category(conn, "theatre", labels={"fr": "Théâtre"})
    ids = {
        "jazz": f.event(
            conn,
            institution_id=lu,
            texts={"fr": ("Concert de jazz", "<p>Un trio au sommet.</p>")},
            occurrences=[at(3, 18)],
            categories=["music-jazz"],
        ),
        "theater": f.event(
            conn,
            institution_id=de,
            texts={"de": ("Theaterabend", "<p>Ein Stück über Konzerte.</p>")},
            occurrences=[at(5, 19)],
            categories=["theatre"],
        ),
        "expo": f.event(
            conn,
            institution_id=lu,
            place_id=metz,
            texts={"fr": ("Exposition", "<p>Peintures.</p>")},
            occurrences=[f.Occ(at(20, 0, month=9), at(20, 0), all_day=True)],
        ),
        "museum": f.event(
            conn,
            institution_id=be,
            texts={"fr": ("Musée la nuit", "<p>Visite guidée.</p>")},
            occurrences=[at(10, 20, month=11)],
            categories=["music"],
        ),
        "past": f.event(
            conn,
            institution_id=lu,
            texts={"fr": ("Passé", None)},
            occurrences=[at(1, 20, month=9)],
        ),
        "deleted": f.event(
            conn,
            institution_id=lu,
            texts={"fr": ("Supprimé", None)},
            occurrences=[at(4, 20)],
            deleted_at=at(1, 0),
        ),
    }
    conn.commit()
    return ids


EVENTS = """
query($filter: EventFilter) {
  events(filter: $filter, first: 100) { totalCount edges { node { title } } }
}
"""
OCCURRENCES = """
query($filter: EventFilter) {
  occurrences(filter: $filter, first: 100) {
    totalCount edges { node { start event { title } } }
  }
}
"""


def event_titles(gql: Run, **flt: Any) -> list[str]:
    result = gql(EVENTS, filter=flt)
    assert result.errors == []
    assert result.data is not None
    connection = result.data["events"]
    titles = [edge["node"]["title"] for edge in connection["edges"]]
    assert connection["totalCount"] == len(titles)
    return titles


def occurrence_titles(gql: Run, **flt: Any) -> list[str]:
    result = gql(OCCURRENCES, filter=flt)
    assert result.errors == []
    assert result.data is not None
    connection = result.data["occurrences"]
    titles = [edge["node"]["event"]["title"] for edge in connection["edges"]]
    assert connection["totalCount"] == len(titles)
    return titles


@pytest.fixture
def agenda(conn: psycopg.Connection[Any]) -> dict[str, int]:
    return seed(conn)


def test_without_a_filter_lists_what_is_on_now_or_later(gql: Run, agenda: dict[str, int]) -> None:
    expected = ["Exposition", "Concert de jazz", "Theaterabend", "Musée la nuit"]
    assert event_titles(gql) == expected
    assert occurrence_titles(gql) == expected


def test_a_window_keeps_dates_overlapping_it(gql: Run, agenda: dict[str, int]) -> None:
    window = {"from": "2026-10-04T00:00:00+00:00", "to": "2026-10-06T00:00:00+02:00"}
    assert event_titles(gql, **window) == ["Exposition", "Theaterabend"]
    assert occurrence_titles(gql, **window) == ["Exposition", "Theaterabend"]


def test_from_in_the_past_includes_past_dates(gql: Run, agenda: dict[str, int]) -> None:
    window = {"from": "2026-08-01T00:00:00Z", "to": "2026-10-01T00:00:00Z"}
    assert event_titles(gql, **window) == ["Passé", "Exposition"]


def test_to_is_exclusive_and_a_date_ending_at_from_is_over(
    gql: Run, agenda: dict[str, int]
) -> None:
    # The jazz concert runs 18:00-20:00 on 3 October.
    assert event_titles(gql, **{"from": "2026-10-03T20:00:00Z", "to": "2026-10-05T00:00:00Z"}) == [
        "Exposition"
    ]
    assert event_titles(gql, **{"from": "2026-10-03T19:59:00Z", "to": "2026-10-04T00:00:00Z"}) == [
        "Exposition",
        "Concert de jazz",
    ]
    assert event_titles(gql, **{"from": "2026-10-02T00:00:00Z", "to": "2026-10-03T18:00:00Z"}) == [
        "Exposition"
    ]


def test_text_is_folded_and_searched_in_every_language(gql: Run, agenda: dict[str, int]) -> None:
    assert event_titles(gql, text="musee") == ["Musée la nuit"]
    assert event_titles(gql, text="MUSÉE") == ["Musée la nuit"]
    # German stemming: "Konzert" finds the description's "Konzerte".
    assert event_titles(gql, text="Konzert") == ["Theaterabend"]
    assert event_titles(gql, text="jazz") == ["Concert de jazz"]
    assert event_titles(gql, text='"trio au sommet"') == ["Concert de jazz"]
    assert event_titles(gql, text="nothing-like-this") == []
    assert occurrence_titles(gql, text="exposition") == ["Exposition"]


def test_countries_match_the_institution_or_the_place(gql: Run, agenda: dict[str, int]) -> None:
    assert event_titles(gql, countries=["FR"]) == ["Exposition"]
    assert event_titles(gql, countries=["lu"]) == ["Exposition", "Concert de jazz"]
    assert event_titles(gql, countries=["DE", "BE"]) == ["Theaterabend", "Musée la nuit"]
    assert occurrence_titles(gql, countries=["DE"]) == ["Theaterabend"]


def test_a_parent_category_includes_its_children(gql: Run, agenda: dict[str, int]) -> None:
    assert event_titles(gql, categories=["music"]) == ["Concert de jazz", "Musée la nuit"]
    assert event_titles(gql, categories=["music-jazz"]) == ["Concert de jazz"]
    assert event_titles(gql, categories=["theatre", "music-jazz"]) == [
        "Concert de jazz",
        "Theaterabend",
    ]
    assert event_titles(gql, categories=["unknown"]) == []
    assert occurrence_titles(gql, categories=["music"]) == ["Concert de jazz", "Musée la nuit"]


def test_institution_ids(gql: Run, agenda: dict[str, int], conn: psycopg.Connection[Any]) -> None:
    row = conn.execute("select id from institution where slug = 'staatstheater'").fetchone()
    assert row is not None
    assert event_titles(gql, institutionIds=[str(row["id"])]) == ["Theaterabend"]
    assert occurrence_titles(gql, institutionIds=[str(row["id"])]) == ["Theaterabend"]


def test_filters_combine(gql: Run, agenda: dict[str, int]) -> None:
    assert event_titles(gql, countries=["LU"], categories=["music"]) == ["Concert de jazz"]
    assert event_titles(gql, countries=["LU"], text="musee") == []


def test_soft_deleted_events_never_appear(gql: Run, agenda: dict[str, int]) -> None:
    window = {"from": "2026-10-04T00:00:00Z", "to": "2026-10-05T00:00:00Z"}
    assert event_titles(gql, **window) == ["Exposition"]
    assert occurrence_titles(gql, **window) == ["Exposition"]
    result = gql("query($id: ID!) { event(id: $id) { title } }", id=str(agenda["deleted"]))
    assert (result.data, result.errors) == ({"event": None}, [])
    result = gql("query($id: ID!) { event(id: $id) { title } }", id=str(agenda["jazz"]))
    assert (result.data, result.errors) == ({"event": {"title": "Concert de jazz"}}, [])


@pytest.mark.parametrize(
    ("flt", "message"),
    [
        (
            {"from": "2026-10-04T00:00:00"},
            "`from` needs a UTC offset, e.g. 2026-10-03T20:00:00+02:00",
        ),
        ({"to": "2026-09-01T00:00:00Z"}, "`to` must be later than `from` (which defaults to now)"),
        (
            {"countries": ["Luxembourg"]},
            "country 'Luxembourg' is not an ISO 3166-1 alpha-2 code such as LU",
        ),
        ({"institutionIds": ["abc"]}, "institution id 'abc' is not a valid id"),
        ({"text": "x" * 201}, "`text` is limited to 200 characters"),
    ],
)
def test_bad_filters_are_refused_with_a_reason(
    gql: Run, agenda: dict[str, int], flt: dict[str, Any], message: str
) -> None:
    result = gql(EVENTS, filter=flt)
    assert (result.data, result.errors) == (None, [message])
