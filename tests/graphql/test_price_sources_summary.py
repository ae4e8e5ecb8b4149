"""Event.price, Event.sources (provenance) and Event.dateSummary through the schema."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg

from tests import factories as f
from tests.factories import Occ
from tests.graphql.conftest import Run

EVENT = """
query($id: ID!, $lang: String) {
  event(id: $id, lang: $lang) {
    price { free min max currency text textDe: text(lang: "de") }
    sources { sourceId kind format url externalId fields lastSeen institution { slug } }
    dateSummary
    short: dateSummary(format: SHORT, lang: "en")
    long: dateSummary(format: LONG, lang: "fr")
  }
}
"""


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def run(gql: Run, event_id: int, lang: str | None = None) -> dict[str, Any]:
    result = gql(EVENT, id=str(event_id), lang=lang)
    assert result.errors == []
    assert result.data is not None
    event: dict[str, Any] = result.data["event"]
    return event


def test_price_sources_and_summary(gql: Run, conn: psycopg.Connection[Any]) -> None:
    venue = f.institution(conn, slug="philharmonie", country="LU")
    guide = f.institution(conn, slug="city-guide", country="LU")
    feed = f.source(conn, institution_id=venue, url="https://philharmonie.lu/agenda.ics")
    scrape = f.source(
        conn, institution_id=guide, url="https://guide.example/events", format="site", kind="scrape"
    )
    event = f.event(
        conn,
        institution_id=venue,
        texts={"fr": ("Récital", None), "de": ("Liederabend", None)},
        occurrences=[Occ(utc(2026, 10, 10, 18), utc(2026, 10, 10, 20))],
        price={
            "free": False,
            "min": "8",
            "max": "12.5",
            "currency": "EUR",
            "text": {"fr": "12 € / 8 € réduit", "de": "12 € / 8 € ermäßigt"},
        },
        is_free=False,
        provenance={"url": feed, "title.fr": feed, "occurrences": feed, "title.de": scrape},
    )
    f.source_event(
        conn,
        source_id=feed,
        event_id=event,
        external_id="uid-1@philharmonie",
        seen=utc(2026, 9, 30),
    )
    f.source_event(conn, source_id=scrape, event_id=event, external_id="42", seen=utc(2026, 9, 29))
    conn.commit()

    assert run(gql, event, "fr") == {
        "price": {
            "free": False,
            "min": 8.0,
            "max": 12.5,
            "currency": "EUR",
            "text": "12 € / 8 € réduit",
            "textDe": "12 € / 8 € ermäßigt",
        },
        "sources": [
            {
                "sourceId": str(feed),
                "kind": "FEED",
                "format": "ics",
                "url": "https://philharmonie.lu/agenda.ics",
                "externalId": "uid-1@philharmonie",
                "fields": ["occurrences", "title.fr", "url"],
                "lastSeen": "2026-09-30T00:00:00+00:00",
                "institution": {"slug": "philharmonie"},
            },
            {
                "sourceId": str(scrape),
                "kind": "SCRAPE",
                "format": "site",
                "url": "https://guide.example/events",
                "externalId": "42",
                "fields": ["title.de"],
                "lastSeen": "2026-09-29T00:00:00+00:00",
                "institution": {"slug": "city-guide"},
            },
        ],
        "dateSummary": "sam. 10 oct. 2026, 20:00",
        "short": "10 Oct, 20:00",
        "long": "samedi 10 octobre 2026, 20:00–22:00",
    }


def test_summary_defaults_to_the_listing_then_the_event_language(
    gql: Run, conn: psycopg.Connection[Any]
) -> None:
    venue = f.institution(conn)
    event = f.event(
        conn,
        institution_id=venue,
        texts={"de": ("Liederabend", None)},
        occurrences=[utc(2026, 10, 10, 18)],
    )
    conn.commit()
    assert run(gql, event)["dateSummary"] == "Sa., 10. Okt. 2026, 20:00"
    assert run(gql, event, "lb")["dateSummary"] == "Sam., 10. Okt. 2026, 20:00"


def test_a_weekly_series_and_cancellations(gql: Run, conn: psycopg.Connection[Any]) -> None:
    venue = f.institution(conn)
    series = f.event(
        conn,
        institution_id=venue,
        texts={"en": ("Jam session", None)},
        rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20261124T190000Z",
        occurrences=[utc(2026, 10, 6, 18), utc(2026, 11, 24, 19)],
    )
    cancelled = f.event(
        conn,
        institution_id=venue,
        status="cancelled",
        texts={"en": ("Gala", None)},
        occurrences=[utc(2026, 10, 6, 18)],
    )
    every_date_cancelled = f.event(
        conn,
        institution_id=venue,
        texts={"de": ("Lesung", None)},
        occurrences=[Occ(utc(2026, 10, 6, 18), status="cancelled")],
    )
    one_date_cancelled = f.event(
        conn,
        institution_id=venue,
        texts={"en": ("Tour", None)},
        occurrences=[utc(2026, 10, 6, 18), Occ(utc(2026, 10, 9, 18), status="cancelled")],
    )
    conn.commit()
    assert run(gql, series)["dateSummary"] == "every Tuesday until 24 Nov 2026"
    assert run(gql, series)["long"] == "tous les mardis à 20:00 jusqu’au 24 novembre 2026"
    assert run(gql, cancelled)["dateSummary"] == "cancelled"
    assert run(gql, cancelled)["long"] == "annulé"
    assert run(gql, every_date_cancelled)["dateSummary"] == "abgesagt"
    assert run(gql, one_date_cancelled)["dateSummary"] == "Tue 6 Oct 2026, 20:00"


def test_no_price_is_null_and_free_alone_is_a_price(
    gql: Run, conn: psycopg.Connection[Any]
) -> None:
    venue = f.institution(conn)
    unknown = f.event(conn, institution_id=venue, texts={"fr": ("A", None)})
    free = f.event(conn, institution_id=venue, texts={"fr": ("B", None)}, is_free=True)
    conn.commit()
    assert run(gql, unknown)["price"] is None
    assert run(gql, unknown)["sources"] == []
    assert run(gql, unknown)["dateSummary"] is None
    assert run(gql, free)["price"] == {
        "free": True,
        "min": None,
        "max": None,
        "currency": None,
        "text": None,
        "textDe": None,
    }
