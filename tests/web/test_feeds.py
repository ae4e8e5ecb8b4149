"""The open feeds over HTTP: filters as parameters, parsed back with real parsers."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import psycopg
import pytest

from pluriel.settings import Settings
from pluriel.store import connect
from pluriel.web import create_app
from pluriel.web.caching import etag_of
from tests import factories as f
from tests.factories import Occ
from tests.web.conftest import AppClient

NOW = datetime(2026, 10, 1, 10, tzinfo=UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def ids(conn: psycopg.Connection[Any]) -> dict[str, int]:
    lu = f.institution(conn, slug="rotondes", name="Rotondes", country="LU")
    fr = f.institution(conn, slug="arsenal", name="Arsenal", country="FR")
    rotondes = f.place(
        conn, name={"fr": "Rotondes"}, locality="Luxembourg", country="LU", lat=49.6, lon=6.13
    )
    arsenal = f.place(conn, name={"fr": "Arsenal"}, locality="Metz", country="FR")
    f.category(conn, "music", labels={"fr": "Musique", "de": "Musik"})
    f.category(conn, "theatre", labels={"fr": "Théâtre", "de": "Theater"})
    concert = f.event(
        conn,
        institution_id=lu,
        place_id=rotondes,
        texts={"fr": ("Concert", "<p>Un concert.</p>"), "de": ("Konzert", None)},
        occurrences=[Occ(utc(2026, 10, 3, 18), utc(2026, 10, 3, 20))],
        categories=["music"],
        url="https://rotondes.lu/concert",
        is_free=False,
        price={"free": False, "min": "12", "max": "12", "currency": "EUR", "text": {}},
    )
    play = f.event(
        conn,
        institution_id=fr,
        place_id=arsenal,
        texts={"fr": ("Pièce", None)},
        occurrences=[Occ(utc(2026, 10, 5, 18), utc(2026, 10, 5, 20))],
        categories=["theatre"],
    )
    past = f.event(
        conn,
        institution_id=lu,
        place_id=rotondes,
        texts={"fr": ("Passé", None)},
        occurrences=[utc(2026, 9, 1, 18)],
    )
    gone = f.event(
        conn,
        institution_id=lu,
        texts={"fr": ("Supprimé", None)},
        occurrences=[utc(2026, 10, 4, 18)],
        deleted_at=utc(2026, 9, 30),
    )
    conn.commit()
    return {"concert": concert, "play": play, "past": past, "gone": gone}


@pytest.fixture
def client(settings: Settings, db_url: str) -> Iterator[AppClient]:
    with AppClient(create_app(settings, database_url=db_url, now=lambda: NOW)) as client:
        yield client


def vevents(body: bytes) -> list[tuple[str, str, str]]:
    calendar = icalendar.Calendar.from_ical(body)
    return [
        (str(c["UID"]), str(c["SUMMARY"]), c.decoded("DTSTART").isoformat())
        for c in calendar.walk("VEVENT")
    ]


def test_ics_feed_with_filters_and_language(client: AppClient, ids: dict[str, int]) -> None:
    response = client.get("/feeds/events.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert vevents(response.content) == [
        (f"event-{ids['concert']}@pluriel", "Concert", "2026-10-03T20:00:00+02:00"),
        (f"event-{ids['play']}@pluriel", "Pièce", "2026-10-05T20:00:00+02:00"),
    ]
    german = client.get("/feeds/events.ics", params={"lang": "de", "categories": "music,jazz"})
    assert vevents(german.content) == [
        (f"event-{ids['concert']}@pluriel", "Konzert", "2026-10-03T20:00:00+02:00")
    ]
    french = client.get("/feeds/events.ics", params={"countries": "fr", "text": "piece"})
    assert [uid for uid, *_ in vevents(french.content)] == [f"event-{ids['play']}@pluriel"]
    window = client.get(
        "/feeds/events.ics",
        params={"from": "2026-09-01T00:00:00+02:00", "to": "2026-10-04T00:00:00+02:00"},
    )
    assert [s for _, s, _ in vevents(window.content)] == ["Passé", "Concert"]
    near = client.get("/feeds/events.ics", params={"lat": "49.6", "lon": "6.13", "radiusKm": "5"})
    assert [s for _, s, _ in vevents(near.content)] == ["Concert"]
    assert [s for _, s, _ in vevents(client.get("/feeds/events.ics?limit=1").content)] == [
        "Concert"
    ]


def test_one_event_as_ics(client: AppClient, ids: dict[str, int]) -> None:
    response = client.get(f"/events/{ids['concert']}.ics", params={"lang": "de"})
    assert response.status_code == 200
    assert vevents(response.content) == [
        (f"event-{ids['concert']}@pluriel", "Konzert", "2026-10-03T20:00:00+02:00")
    ]
    assert icalendar.Calendar.from_ical(response.content)["X-WR-CALNAME"] == "Konzert"
    assert client.get(f"/events/{ids['gone']}.ics").status_code == 404
    assert client.get("/events/abc.ics").status_code == 404


def test_jsonld_feed(client: AppClient, ids: dict[str, int], conn: psycopg.Connection[Any]) -> None:
    def first_date(event_id: int) -> int:
        row = conn.execute(
            "select min(id) as id from occurrence where event_id = %s", (event_id,)
        ).fetchone()
        assert row is not None
        return int(row["id"])

    response = client.get("/feeds/events.jsonld", params={"lang": "de"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    document = json.loads(response.content)
    assert document["@type"] == "ItemList"
    items = [e["item"] for e in document["itemListElement"]]
    assert [(i["@type"], i["name"], i["startDate"]) for i in items] == [
        ("Event", "Konzert", "2026-10-03T20:00:00+02:00"),
        ("Event", "Pièce", "2026-10-05T20:00:00+02:00"),
    ]
    # validFrom is when the event was first stored: now(), in the database.
    assert items[0]["offers"].pop("validFrom")
    assert items[0] == {
        "@type": "Event",
        "@id": f"https://rotondes.lu/concert#occurrence-{first_date(ids['concert'])}",
        "url": "https://rotondes.lu/concert",
        "name": "Konzert",
        "inLanguage": "de",
        "description": "Un concert.",
        "startDate": "2026-10-03T20:00:00+02:00",
        "endDate": "2026-10-03T22:00:00+02:00",
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {
            "@type": "Place",
            "name": "Rotondes",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": "Luxembourg",
                "addressCountry": "LU",
            },
            "geo": {"@type": "GeoCoordinates", "latitude": 49.6, "longitude": 6.13},
        },
        "offers": {
            "@type": "Offer",
            "url": "https://rotondes.lu/concert",
            "price": 12,
            "priceCurrency": "EUR",
            "availability": "https://schema.org/InStock",
        },
        "isAccessibleForFree": False,
        "organizer": {"@type": "Organization", "name": "Rotondes"},
    }


def test_rss_feed(client: AppClient, ids: dict[str, int]) -> None:
    response = client.get("/feeds/events.rss", params={"categories": "theatre"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/rss+xml; charset=utf-8"
    # Our own server's answer, not untrusted input.
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314
    assert channel is not None
    assert [item.findtext("title") for item in channel.iter("item")] == ["Pièce"]
    assert channel.findtext("language") == "fr"


def test_feeds_are_cached_with_an_etag(client: AppClient, ids: dict[str, int]) -> None:
    first = client.get("/feeds/events.ics")
    assert first.headers["cache-control"] == "public, max-age=60"
    assert first.headers["etag"] == etag_of(first.content)
    again = client.get("/feeds/events.ics", headers={"If-None-Match": first.headers["etag"]})
    assert (again.status_code, again.content) == (304, b"")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=yesterday", "`from` must be an ISO 8601 instant such as 2026-10-03T20:00:00+02:00"),
        ("from=2026-10-03T20:00:00", "`from` needs a UTC offset, e.g. 2026-10-03T20:00:00+02:00"),
        ("limit=5000", "`limit` must be a whole number from 1 to 500"),
        ("countries=Luxembourg", "`countries`: 'LUXEMBOURG' is not an ISO 3166-1 code"),
        ("lang=it", "`lang` must be one of fr, de, lb, en, nl, not 'it'"),
        ("free=maybe", "`free` must be true or false"),
        (
            "attendanceModes=somewhere",
            "`attendanceModes`: 'somewhere' is not one of OFFLINE, ONLINE, MIXED",
        ),
        ("lat=49.6", "`lon` must be a number"),
        ("placeIds=x", "`placeIds`: 'x' is not an id"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client: AppClient, query: str, message: str) -> None:
    response = client.get(f"/feeds/events.ics?{query}")
    assert response.status_code == 400
    assert response.json() == {"errors": [{"message": message}]}


def log(conn: psycopg.Connection[Any], event_id: int, state: str = "updated") -> None:
    conn.execute(
        "insert into change (kind, entity_id, state) values ('event', %s, %s)", (event_id, state)
    )


def rpde(client: AppClient, url: str = "/feeds/rpde/events") -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_rpde_pages_to_a_last_page_whose_next_is_itself(
    client: AppClient, ids: dict[str, int], conn: psycopg.Connection[Any], db_url: str
) -> None:
    log(conn, ids["concert"])
    conn.commit()
    log(conn, ids["play"])
    log(conn, ids["gone"], "deleted")
    conn.commit()

    first = rpde(client)
    items = [(i["state"], i["id"]) for i in first["items"]]
    assert items == [
        ("updated", str(ids["concert"])),
        ("updated", str(ids["play"])),
        ("deleted", str(ids["gone"])),
    ]
    concert = first["items"][0]
    assert concert["kind"] == "Event"
    assert concert["data"]["name"] == "Concert"
    assert concert["data"]["identifier"] == str(ids["concert"])
    assert "data" not in first["items"][2]
    last = first["items"][-1]
    expected_next = (
        "http://testserver/feeds/rpde/events"
        f"?afterTimestamp={last['modified']}&afterId={last['id']}"
    )
    assert first["next"] == expected_next
    empty = rpde(client, first["next"])
    assert (empty["items"], empty["next"]) == ([], expected_next)

    # The concert changes again: it moves to the end, once.
    log(conn, ids["concert"])
    conn.commit()
    after = rpde(client, first["next"])
    assert [(i["state"], i["id"]) for i in after["items"]] == [("updated", str(ids["concert"]))]
    assert [i["id"] for i in rpde(client)["items"]] == [
        str(ids["play"]),
        str(ids["gone"]),
        str(ids["concert"]),
    ]


def test_rpde_never_skips_a_late_commit(
    client: AppClient, ids: dict[str, int], conn: psycopg.Connection[Any], db_url: str
) -> None:
    with connect(db_url) as slow:
        log(slow, ids["play"])  # begun first, committed last
        log(conn, ids["concert"])
        conn.commit()
        held = rpde(client)
        assert held["items"] == []
        slow.commit()
    seen = rpde(client)
    assert [i["id"] for i in seen["items"]] == [str(ids["play"]), str(ids["concert"])]


def test_rpde_parameters(client: AppClient) -> None:
    response = client.get("/feeds/rpde/events?afterTimestamp=5")
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"message": "`afterTimestamp` and `afterId` go together"}]
    }
    assert rpde(client) == {
        "next": "http://testserver/feeds/rpde/events",
        "items": [],
        "license": "https://creativecommons.org/licenses/by/4.0/",
    }


def test_a_series_is_one_vevent_with_its_rule_and_a_cancelled_override(
    client: AppClient, conn: psycopg.Connection[Any]
) -> None:
    institution = f.institution(conn)
    starts = [utc(2026, 10, 6, 18), utc(2026, 10, 13, 18), utc(2026, 10, 20, 18)]
    series = f.event(
        conn,
        institution_id=institution,
        texts={"en": ("Jam session", None)},
        rrule="FREQ=WEEKLY;COUNT=3",
        occurrences=[
            Occ(start, start + timedelta(hours=2), status=status)
            for start, status in zip(starts, ["scheduled", "cancelled", "scheduled"], strict=True)
        ],
    )
    conn.execute(
        "update occurrence set recurrence_id = to_char(starts_at at time zone 'UTC',"
        ' \'YYYY-MM-DD"T"HH24:MI:SS"Z"\') where event_id = %s',
        (series,),
    )
    conn.commit()
    response = client.get(f"/events/{series}.ics", params={"lang": "en"})
    calendar = icalendar.Calendar.from_ical(response.content)
    components = [
        (
            str(c.get("RRULE").to_ical().decode()) if c.get("RRULE") else None,
            c.decoded("RECURRENCE-ID").isoformat() if c.get("RECURRENCE-ID") else None,
            str(c.get("STATUS")),
        )
        for c in calendar.walk("VEVENT")
    ]
    assert components == [
        ("FREQ=WEEKLY;UNTIL=20261020T180000Z", None, "CONFIRMED"),
        (None, "2026-10-13T20:00:00+02:00", "CANCELLED"),
    ]
    assert [z["TZID"] for z in calendar.walk("VTIMEZONE")] == ["Europe/Luxembourg"]
