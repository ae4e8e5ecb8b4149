"""Mobilizon and Gancio outboxes: Event objects created, updated and deleted."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from pluriel.errors import FeedFormatError
from pluriel.model import (
    AttendanceMode,
    EventStatus,
    FeedMeta,
    I18nText,
    Location,
    Occurrence,
    ReadResult,
    SourceEvent,
    SourceItemError,
)
from pluriel.readers.activitystreams import read_activitystreams
from pluriel.readers.common import ReadContext
from tests.conftest import FIXTURES

LUX = ZoneInfo("Europe/Luxembourg")
MOBILIZON = "https://mobilizon.example.lu/"
OUTBOX = f"{MOBILIZON}@kulturfabrik/outbox"


def read(name: str, now: datetime, url: str, lang: str = "lb") -> ReadResult:
    ctx = ReadContext(now=now, lang=lang, timezone="Europe/Luxembourg", url=url)
    return read_activitystreams((FIXTURES / "activitystreams" / name).read_bytes(), ctx)


def test_collection_points_to_its_first_page(now: datetime) -> None:
    assert read("mobilizon_outbox.json", now, OUTBOX) == ReadResult(
        meta=FeedMeta(next_url=f"{OUTBOX}?page=1")
    )


def test_mobilizon_outbox_page(now: datetime) -> None:
    result = read("mobilizon_outbox_page1.json", now, f"{OUTBOX}?page=1")
    event_id = f"{MOBILIZON}events/1f0c2e4a-7d11-4b0e-9a5e-3a2d5b7c9e01"
    assert result == ReadResult(
        events=(
            SourceEvent(
                external_id=event_id,
                # The context declares "und": the source's language applies.
                title=I18nText.of({"lb": "Konzert: Stëmm vum Süden"}),
                description=I18nText.of({"lb": "<p>Rock aus dem Minett.</p>"}),
                description_is_html=True,
                occurrences=(
                    Occurrence(
                        start=datetime(2026, 10, 24, 18, 0, tzinfo=UTC),
                        end=datetime(2026, 10, 24, 21, 0, tzinfo=UTC),
                        timezone="Europe/Luxembourg",
                    ),
                ),
                timezone="Europe/Luxembourg",
                url=event_id,
                image_urls=(f"{MOBILIZON}media/3b9f.jpg",),
                categories=("MUSIC",),
                keywords=("rock", "minett"),
                location=Location(
                    name=I18nText.of({"lb": "Kulturfabrik"}),
                    street="116, rue de Luxembourg",
                    postal_code="4221",
                    locality="Esch-sur-Alzette",
                    region="Canton d'Esch-sur-Alzette",
                    country="LU",
                    lat=49.4966,
                    lon=5.9913,
                ),
                modified=datetime(2026, 9, 25, 8, 30, tzinfo=UTC),
            ),
            SourceEvent(
                external_id=f"{MOBILIZON}events/7c3d",
                title=I18nText.of({"lb": "Workshop: Podcasten"}),
                description=I18nText.of({"lb": "<p>Online, mat Umeldung.</p>"}),
                description_is_html=True,
                occurrences=(
                    Occurrence(
                        start=datetime(2026, 11, 3, 18, 30, tzinfo=LUX),
                        timezone="Europe/Luxembourg",
                    ),
                ),
                timezone="Europe/Luxembourg",
                tentative=True,
                attendance_mode=AttendanceMode.ONLINE,
                url=f"{MOBILIZON}events/7c3d",
                online_url="https://visio.example.lu/podcast",
                warnings=("endTime '2026-11-03T18:00:00+01:00' is not after startTime, ignored",),
            ),
            SourceEvent(external_id=f"{MOBILIZON}events/0a1b", title=I18nText(), deleted=True),
            SourceEvent(
                external_id=f"{MOBILIZON}events/8a8a",
                title=I18nText.of({"lb": "Liesung"}),
                description_is_html=True,
                occurrences=(
                    Occurrence(
                        start=datetime(2026, 11, 10, 19, 0, tzinfo=LUX),
                        timezone="Europe/Luxembourg",
                        status=EventStatus.CANCELLED,
                    ),
                ),
                timezone="Europe/Luxembourg",
                status=EventStatus.CANCELLED,
            ),
        ),
        errors=(
            SourceItemError(
                message="item 'Ausstellung': startTime/endTime: unreadable date 'bientôt'",
                external_id=f"{MOBILIZON}events/5e6f",
            ),
        ),
        meta=FeedMeta(next_url=f"{OUTBOX}?page=2"),
    )


def test_gancio_outbox_with_language_maps_and_embedded_first_page(now: datetime) -> None:
    base = "https://gancio.example.fr/"
    result = read("gancio_outbox.json", now, f"{base}federation/u/agenda/outbox", lang="de")
    assert result == ReadResult(
        events=(
            SourceEvent(
                external_id=f"{base}federation/m/212",
                title=I18nText.of([("fr", "Bal folk"), ("de", "Folk-Ball")]),
                description=I18nText.of(
                    [
                        ("fr", "<p>Avec l'orchestre <strong>Les Sabots</strong>.</p>"),
                        ("de", "<p>Mit dem Orchester Les Sabots.</p>"),
                    ]
                ),
                description_is_html=True,
                occurrences=(
                    Occurrence(
                        start=datetime(2026, 10, 31, 20, 0, tzinfo=LUX),
                        end=datetime(2026, 11, 1, 0, 30, tzinfo=LUX),
                        timezone="Europe/Luxembourg",
                    ),
                ),
                timezone="Europe/Luxembourg",
                url=f"{base}event/bal-folk",
                image_urls=(f"{base}media/bal.png",),
                keywords=("folk", "danse"),
                location=Location(
                    name=I18nText.of({"fr": "Salle des fêtes"}),
                    lat=49.1151,
                    lon=6.1757,
                    raw="Place de la République, 57000 Metz",
                ),
            ),
            SourceEvent(external_id=f"{base}federation/m/199", title=I18nText(), deleted=True),
        ),
        errors=(SourceItemError(message="item 'Sans identifiant': Event without an id or url"),),
        meta=FeedMeta(next_url=f"{base}federation/u/agenda/outbox?page=2"),
    )


@pytest.mark.parametrize(
    ("fields", "status", "tentative", "warnings"),
    [
        ({"ical:status": "CONFIRMED"}, EventStatus.SCHEDULED, False, ()),
        ({"ical:status": "TENTATIVE"}, EventStatus.SCHEDULED, True, ()),
        ({"status": "cancelled"}, EventStatus.CANCELLED, False, ()),
        ({"mz:status": "CANCELLED"}, EventStatus.CANCELLED, False, ()),
        ({"eventStatus": "https://schema.org/EventPostponed"}, EventStatus.POSTPONED, False, ()),
        (
            {"ical:status": "WOBBLY"},
            EventStatus.SCHEDULED,
            False,
            ("unknown eventStatus 'WOBBLY', read as scheduled",),
        ),
    ],
)
def test_the_several_status_fields(
    fields: dict[str, str],
    status: EventStatus,
    tentative: bool,
    warnings: tuple[str, ...],
    now: datetime,
) -> None:
    event = {
        "type": "Event",
        "id": "https://gancio.example.fr/federation/m/1",
        "name": "X",
        "startTime": "2026-10-10T20:00:00+02:00",
        **fields,
    }
    result = read_activitystreams(json.dumps(event).encode(), ReadContext(now=now, lang="fr"))
    (read_event,) = result.events
    assert (read_event.status, read_event.tentative, read_event.warnings) == (
        status,
        tentative,
        warnings,
    )
    assert read_event.occurrences[0].status is status


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html/>", "not JSON"),
        (b'{"items": []}', "not an ActivityStreams object"),
        (b"[]", "not an ActivityStreams object"),
    ],
)
def test_garbage_is_a_format_error(data: bytes, message: str, now: datetime) -> None:
    with pytest.raises(FeedFormatError, match=message):
        read_activitystreams(data, ReadContext(now=now, url=OUTBOX))


def test_items_given_by_reference_are_followed_on_the_same_site(now: datetime) -> None:
    page = {
        "type": "OrderedCollectionPage",
        "orderedItems": [
            f"{MOBILIZON}events/a1",
            {"type": "Create", "object": f"{MOBILIZON}events/b2"},
            {"type": "Announce", "object": "https://elsewhere.example.org/events/c3"},
            f"{MOBILIZON}events/a1",
        ],
    }
    result = read_activitystreams(
        json.dumps(page).encode(), ReadContext(now=now, url=f"{OUTBOX}?page=3")
    )
    assert result == ReadResult(
        meta=FeedMeta(follow=(f"{MOBILIZON}events/a1", f"{MOBILIZON}events/b2"))
    )


def test_odd_shapes_fail_per_item(now: datetime) -> None:
    page = {
        "type": "OrderedCollectionPage",
        "orderedItems": {
            "type": "Event",
            "id": f"{MOBILIZON}events/x",
            "name": "Solo",
            "startTime": "2026-10-10T20:00:00Z",
            "location": [5, "Salle polyvalente", {"type": "Place"}],
            "tag": "#pas-une-liste",
            "attachment": {"type": "Image", "url": f"{MOBILIZON}media/x.png"},
        },
        "next": {"type": "Link", "href": f"{OUTBOX}?page=2"},
    }
    result = read_activitystreams(json.dumps(page).encode(), ReadContext(now=now, url=OUTBOX))
    assert result == ReadResult(
        events=(
            SourceEvent(
                external_id=f"{MOBILIZON}events/x",
                title=I18nText.of({"und": "Solo"}),
                description_is_html=True,
                occurrences=(
                    Occurrence(
                        start=datetime(2026, 10, 10, 20, 0, tzinfo=UTC),
                        timezone="Europe/Luxembourg",
                    ),
                ),
                timezone="Europe/Luxembourg",
                image_urls=(f"{MOBILIZON}media/x.png",),
                location=Location(raw="Salle polyvalente"),
            ),
        ),
        meta=FeedMeta(next_url=f"{OUTBOX}?page=2"),
    )
    bad = {
        "type": "OrderedCollection",
        "orderedItems": [5, {"type": "Delete"}, {"type": "Tombstone"}],
    }
    assert read_activitystreams(json.dumps(bad).encode(), ReadContext(now=now)).errors == (
        SourceItemError(message="item #1: not an object"),
        SourceItemError(message="item #2: Delete without an object id"),
        SourceItemError(message="item #3: Tombstone without an id"),
    )
