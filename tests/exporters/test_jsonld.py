from __future__ import annotations

import json
from dataclasses import replace
from html.parser import HTMLParser
from typing import Any

import pytest

from pluriel.exporters import jsonld_script_tag, to_jsonld
from pluriel.exporters.common import effective_status, original_start
from pluriel.model import AttendanceMode, EventStatus, I18nText
from tests.exporters.cases import EVENTS, ONLINE, SERIES

URL = "https://pluriel.test/feeds/events.jsonld"
SCHEMA = "https://schema.org/"


def document(events: tuple[Any, ...] = EVENTS, lang: str = "fr") -> dict[str, Any]:
    result: dict[str, Any] = json.loads(to_jsonld(events, lang=lang, url=URL))
    return result


def items(events: tuple[Any, ...] = EVENTS, lang: str = "fr") -> list[dict[str, Any]]:
    return [element["item"] for element in document(events, lang)["itemListElement"]]


def google_problems(event: dict[str, Any], *, performers: bool, moved: bool) -> list[str]:
    """What Google's event rich-result report would flag as missing (required or recommended).

    https://developers.google.com/search/docs/appearance/structured-data/event
    """
    problems = []
    for key in ("name", "startDate", "location", "description", "endDate", "image"):
        if not event.get(key):
            problems.append(key)
    locations = event.get("location")
    for location in locations if isinstance(locations, list) else [locations]:
        if not isinstance(location, dict):
            continue
        if location.get("@type") == "Place":
            address = location.get("address", {})
            if not location.get("name"):
                problems.append("location.name")
            for key in ("streetAddress", "addressLocality", "postalCode", "addressCountry"):
                if not address.get(key):
                    problems.append(f"location.address.{key}")
        elif location.get("@type") == "VirtualLocation":
            if not location.get("url"):
                problems.append("location.url")
        else:
            problems.append("location.@type")
    if not str(event.get("eventStatus", "")).startswith(SCHEMA + "Event"):
        problems.append("eventStatus")
    if not str(event.get("eventAttendanceMode", "")).startswith(SCHEMA):
        problems.append("eventAttendanceMode")
    offers = event.get("offers") or {}
    for key in ("availability", "price", "priceCurrency", "url", "validFrom"):
        if offers.get(key) in (None, ""):
            problems.append(f"offers.{key}")
    if not str(offers.get("availability", "")).startswith(SCHEMA):
        problems.append("offers.availability URI")
    organiser = event.get("organizer") or {}
    for key in ("name", "url"):
        if not organiser.get(key):
            problems.append(f"organizer.{key}")
    if performers and not all(p.get("name") for p in event.get("performer", [None])):
        problems.append("performer")
    if moved and not event.get("previousStartDate"):
        problems.append("previousStartDate")
    if event.get("eventStatus") == SCHEMA + "EventRescheduled" and not moved:
        problems.append("rescheduled without previousStartDate")
    if not event.get("@id") or not event.get("url"):
        problems.append("@id/url")
    return problems


@pytest.mark.parametrize("lang", ["fr", "lb", "de", "en", "nl"])
def test_every_event_has_every_field_google_requires_and_recommends(lang: str) -> None:
    expected = [(event, occurrence) for event in EVENTS for occurrence in event.occurrences]
    found = items(lang=lang)
    assert len(found) == len(expected) == 7
    by_id = {item["@id"]: item for item in found}
    for event, occurrence in expected:
        item = by_id[f"{event.url}#occurrence-{occurrence.id}"]
        moved = original_start(occurrence) not in (occurrence.start, occurrence.start.date())
        problems = google_problems(item, performers=bool(event.performers), moved=moved)
        assert (item["@id"], problems) == (item["@id"], [])
        assert (
            item["eventStatus"]
            == SCHEMA
            + {
                EventStatus.SCHEDULED: "EventScheduled",
                EventStatus.CANCELLED: "EventCancelled",
                EventStatus.RESCHEDULED: "EventRescheduled",
            }[effective_status(event, occurrence)]
        )


def test_one_event_per_date_in_date_order() -> None:
    assert [(item["@id"], item["startDate"]) for item in items()] == [
        ("https://pluriel.test/events/202#occurrence-2020", "2026-10-03"),
        ("https://pluriel.test/events/101#occurrence-1013", "2026-10-13T20:00:00+02:00"),
        ("https://pluriel.test/events/101#occurrence-1020", "2026-10-20T20:00:00+02:00"),
        ("https://pluriel.test/events/101#occurrence-1103", "2026-11-04T20:00:00+01:00"),
        ("https://pluriel.test/events/303#occurrence-3030", "2026-11-05T18:30:00+01:00"),
        ("https://pluriel.test/events/101#occurrence-1110", "2026-11-10T20:00:00+01:00"),
        ("https://pluriel.test/events/101#occurrence-1117", "2026-11-17T20:00:00+01:00"),
    ]
    head = document()
    assert {key: head[key] for key in head if key != "itemListElement"} == {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "url": URL,
        "numberOfItems": 7,
    }
    assert [e["position"] for e in head["itemListElement"]] == [1, 2, 3, 4, 5, 6, 7]


def test_moved_date_in_luxembourgish_falls_back_to_german() -> None:
    moved = next(i for i in items(lang="lb") if i["@id"].endswith("occurrence-1103"))
    assert moved == {
        "@type": "Event",
        "@id": "https://pluriel.test/events/101#occurrence-1103",
        "url": "https://pluriel.test/events/101",
        "name": "Jazz am Dienstag",
        "inLanguage": "de",
        "description": "Das Trio Pluriel (https://trio.example/) spielt.\n\nEintritt: 15 € & mehr",
        "startDate": "2026-11-04T20:00:00+01:00",
        "endDate": "2026-11-04T22:00:00+01:00",
        "eventStatus": "https://schema.org/EventRescheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "previousStartDate": "2026-11-03T20:00:00+01:00",
        "location": {
            "@type": "Place",
            "name": "Rotonden",
            "address": {
                "@type": "PostalAddress",
                "streetAddress": "Place des Rotondes",
                "postalCode": "2448",
                "addressLocality": "Luxembourg",
                "addressCountry": "LU",
            },
            "geo": {"@type": "GeoCoordinates", "latitude": 49.6, "longitude": 6.1367},
        },
        "image": ["https://www.rotondes.lu/img/jazz.jpg"],
        "offers": {
            "@type": "Offer",
            "url": "https://www.rotondes.lu/tickets/jazz",
            "price": 15,
            "priceCurrency": "EUR",
            "priceSpecification": {
                "@type": "PriceSpecification",
                "minPrice": 15,
                "maxPrice": 25.5,
                "priceCurrency": "EUR",
            },
            "availability": "https://schema.org/InStock",
            "validFrom": "2026-09-01T09:00:00+02:00",
        },
        "organizer": {
            "@type": "Organization",
            "name": "Rotondes",
            "url": "https://www.rotondes.lu/",
        },
        "performer": [{"@type": "PerformingGroup", "name": "Trio Pluriel"}],
    }


def test_french_feed_uses_french_text() -> None:
    first = next(i for i in items(lang="fr") if i["@id"].endswith("occurrence-1013"))
    assert (
        first["name"],
        first["inLanguage"],
        first["description"],
        first["location"]["name"],
    ) == (
        "Jazz du mardi",
        "fr",
        "Le trio joue ; entrée libre, ou presque.",
        "Rotondes",
    )


def test_cancelled_date_and_few_tickets_left() -> None:
    by_id = {i["@id"].rsplit("-", 1)[1]: i for i in items()}
    assert (by_id["1020"]["eventStatus"], by_id["1020"]["offers"]["availability"]) == (
        "https://schema.org/EventCancelled",
        "https://schema.org/Discontinued",
    )
    assert by_id["1117"]["offers"]["availability"] == "https://schema.org/LimitedAvailability"


def test_all_day_exhibition_ends_on_its_last_day() -> None:
    exhibition = items()[0]
    assert (exhibition["startDate"], exhibition["endDate"]) == ("2026-10-03", "2026-12-20")


def test_online_event_is_a_virtual_location_and_free() -> None:
    online = items((ONLINE,), lang="en")[0]
    assert {k: online[k] for k in ("location", "eventAttendanceMode", "isAccessibleForFree")} == {
        "location": {"@type": "VirtualLocation", "url": "https://stream.example/archives"},
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode",
        "isAccessibleForFree": True,
    }
    assert online["offers"] == {
        "@type": "Offer",
        "url": "https://pluriel.test/events/303",
        "price": 0,
        "priceCurrency": "EUR",
        "availability": "https://schema.org/InStock",
        "validFrom": "2026-09-24T11:00:00+02:00",
    }


def test_mixed_and_moved_online_locations() -> None:
    mixed = replace(
        SERIES, attendance_mode=AttendanceMode.MIXED, online_url="https://live.example/"
    )
    first = items((mixed,))[0]
    assert [place["@type"] for place in first["location"]] == ["Place", "VirtualLocation"]
    assert first["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    moved_online = replace(
        SERIES, status=EventStatus.MOVED_ONLINE, online_url="https://live.example/"
    )
    first = items((moved_online,))[0]
    assert (first["eventStatus"], first["eventAttendanceMode"], first["location"]) == (
        "https://schema.org/EventMovedOnline",
        "https://schema.org/OnlineEventAttendanceMode",
        {"@type": "VirtualLocation", "url": "https://live.example/"},
    )


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.scripts.append(data)


def test_script_tag_cannot_be_closed_from_inside() -> None:
    hostile = replace(
        SERIES,
        title=I18nText.of({"fr": "</script><script>alert(1)</script><!-- & >"}),
    )
    tag = jsonld_script_tag(document((hostile,)))
    assert tag.startswith('<script type="application/ld+json">{"@context":"https://schema.org"')
    assert tag.count("</script>") == 1
    assert "<!--" not in tag
    parser = _Scripts()
    parser.feed(tag)
    assert len(parser.scripts) == 1
    assert json.loads(parser.scripts[0])["itemListElement"][0]["item"]["name"] == (
        "</script><script>alert(1)</script><!-- & >"
    )
    raw = to_jsonld((hostile,), lang="fr", url=URL)
    assert b"</script" not in raw
    assert b"\\u003c/script\\u003e" in raw
