"""facets: counts per group for the current filter, each group ignoring its own dimension."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from tests import factories as f
from tests.factories import Occ
from tests.graphql.conftest import Run

FACETS = """
query($filter: EventFilter, $timezone: String! = "Europe/Luxembourg") {
  facets(filter: $filter, timezone: $timezone) {
    categories { value count }
    countries { value count }
    localities { value count }
    languages { value count }
    free { value count }
    attendanceModes { value count }
    days { day count }
  }
}
"""


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def agenda(conn: psycopg.Connection[Any]) -> None:
    lu = f.institution(conn, slug="kulturfabrik", country="LU")
    fr = f.institution(conn, slug="arsenal", country="FR")
    esch = f.place(conn, name={"fr": "Kulturfabrik"}, locality="Esch-sur-Alzette", country="LU")
    metz = f.place(conn, name={"fr": "Arsenal"}, locality="Metz", country="FR")
    f.category(conn, "music")
    f.category(conn, "music-jazz", parent="music")
    f.category(conn, "theatre")
    f.event(  # A: two evenings, free
        conn,
        institution_id=lu,
        place_id=esch,
        texts={"fr": ("Concert", None), "de": ("Konzert", None)},
        occurrences=[utc(2026, 10, 3, 18), utc(2026, 10, 4, 18)],
        categories=["music"],
        is_free=True,
    )
    f.event(  # B: paying theatre, 22:00 local on the 3rd
        conn,
        institution_id=lu,
        place_id=esch,
        texts={"fr": ("Pièce", None)},
        occurrences=[utc(2026, 10, 3, 20)],
        categories=["theatre"],
        is_free=False,
    )
    f.event(  # C: online jazz at 00:30 local on the 11th (still the 10th in UTC)
        conn,
        institution_id=fr,
        place_id=metz,
        texts={"fr": ("Jazz", None)},
        occurrences=[utc(2026, 10, 10, 22, 30)],
        categories=["music-jazz"],
        attendance_mode="online",
    )
    f.event(  # F: no place, running since yesterday
        conn,
        institution_id=lu,
        texts={"en": ("Exhibition", None)},
        occurrences=[Occ(utc(2026, 9, 30, 8), utc(2026, 10, 2, 18))],
        categories=["theatre"],
        attendance_mode="mixed",
    )
    f.event(  # past: out of the window
        conn,
        institution_id=lu,
        place_id=esch,
        texts={"fr": ("Passé", None)},
        occurrences=[utc(2026, 9, 1, 18)],
        categories=["music"],
    )
    f.event(  # deleted
        conn,
        institution_id=lu,
        place_id=esch,
        texts={"fr": ("Supprimé", None)},
        occurrences=[utc(2026, 10, 3, 18)],
        categories=["music"],
        deleted_at=utc(2026, 9, 30),
    )
    conn.commit()


def counts(rows: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(row.get("value") or row["day"], row["count"]) for row in rows]


def test_every_group_for_the_default_window(gql: Run, agenda: None) -> None:
    result = gql(FACETS)
    assert result.errors == []
    assert result.data is not None
    facets = {name: counts(rows) for name, rows in result.data["facets"].items()}
    assert facets == {
        "categories": [("theatre", 2), ("music", 1), ("music-jazz", 1)],
        "countries": [("LU", 3), ("FR", 1)],
        "localities": [("Esch-sur-Alzette", 2), ("Metz", 1)],
        "languages": [("fr", 3), ("de", 1), ("en", 1)],
        "free": [("unknown", 2), ("free", 1), ("paid", 1)],
        "attendanceModes": [("OFFLINE", 2), ("MIXED", 1), ("ONLINE", 1)],
        "days": [("2026-10-01", 1), ("2026-10-03", 2), ("2026-10-04", 1), ("2026-10-11", 1)],
    }


def test_days_follow_the_timezone_argument(gql: Run, agenda: None) -> None:
    result = gql(FACETS, timezone="UTC")
    assert result.data is not None
    assert counts(result.data["facets"]["days"]) == [
        ("2026-10-01", 1),
        ("2026-10-03", 2),
        ("2026-10-04", 1),
        ("2026-10-10", 1),
    ]


def test_a_group_ignores_its_own_filter_but_obeys_the_others(gql: Run, agenda: None) -> None:
    result = gql(FACETS, filter={"categories": ["music"]})
    assert result.data is not None
    facets = result.data["facets"]
    assert counts(facets["categories"]) == [("theatre", 2), ("music", 1), ("music-jazz", 1)]
    assert counts(facets["countries"]) == [("FR", 1), ("LU", 1)]
    assert counts(facets["free"]) == [("free", 1), ("unknown", 1)]
    assert counts(facets["days"]) == [("2026-10-03", 1), ("2026-10-04", 1), ("2026-10-11", 1)]

    result = gql(FACETS, filter={"countries": ["FR"], "free": True})
    assert result.data is not None
    facets = result.data["facets"]
    assert counts(facets["countries"]) == [("LU", 1)]
    assert counts(facets["free"]) == [("unknown", 1)]
    assert counts(facets["categories"]) == []


def test_the_window_and_text_restrict_every_group(gql: Run, agenda: None) -> None:
    window = {"from": "2026-10-03T00:00:00+02:00", "to": "2026-10-04T00:00:00+02:00"}
    result = gql(FACETS, filter=window)
    assert result.data is not None
    assert counts(result.data["facets"]["categories"]) == [("music", 1), ("theatre", 1)]
    assert counts(result.data["facets"]["days"]) == [("2026-10-03", 2)]

    result = gql(FACETS, filter={"text": "konzert"})
    assert result.data is not None
    assert counts(result.data["facets"]["localities"]) == [("Esch-sur-Alzette", 1)]


def test_one_statement_per_group_asked(gql: Run, agenda: None) -> None:
    result = gql("{ facets { countries { value } days { day } } }")
    assert result.errors == []
    assert len(result.statements) == 2


def test_an_unknown_timezone_is_refused(gql: Run) -> None:
    result = gql(FACETS, timezone="Europe/Atlantis")
    assert (result.data, result.errors) == (
        None,
        ["`timezone` 'Europe/Atlantis' is not an IANA zone such as Europe/Luxembourg"],
    )
