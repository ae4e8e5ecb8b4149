"""OpenActive RPDE pages in both ordering modes, deletions and the end of the feed."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
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
    Price,
    ReadResult,
    SourceEvent,
    SourceItemError,
)
from pluriel.readers.common import ReadContext
from pluriel.readers.rpde import is_last_page, read_rpde
from tests.conftest import FIXTURES

LUX = ZoneInfo("Europe/Luxembourg")
HERE = FIXTURES / "rpde"
SESSIONS = "https://sport-culture.example.lu/openactive/scheduled-sessions"
EVENTS = "https://kulturzentrum.example.de/rpde/events"


def read(name: str, now: datetime, url: str, lang: str = "fr") -> ReadResult:
    ctx = ReadContext(now=now, lang=lang, timezone="Europe/Luxembourg", url=url)
    return read_rpde((HERE / name).read_bytes(), ctx)


def test_timestamp_ordered_page_with_sessions_deletions_and_bad_items(now: datetime) -> None:
    result = read(
        "scheduled_sessions_page1.json",
        now,
        f"{SESSIONS}?afterTimestamp=1790000000&afterId=ss-1000",
    )
    assert result == ReadResult(
        events=(
            # The session takes name, place, organiser and price from its embedded series.
            SourceEvent(
                external_id="ss-1041",
                title=I18nText.of({"fr": "Danse contemporaine pour adultes"}),
                description=I18nText.of({"fr": "<p>Cours ouvert à tous niveaux.</p>"}),
                description_is_html=True,
                occurrences=(
                    Occurrence(
                        start=datetime(2026, 10, 14, 18, 30, tzinfo=LUX),
                        end=datetime(2026, 10, 14, 19, 30, tzinfo=LUX),
                        timezone="Europe/Luxembourg",
                    ),
                ),
                timezone="Europe/Luxembourg",
                url="https://sport-culture.example.lu/cours/danse-contemporaine",
                keywords=("Dance",),
                location=Location(
                    name=I18nText.of({"fr": "Aalt Stadhaus"}),
                    street="38, avenue G.-D. Charlotte",
                    postal_code="L-4530",
                    locality="Differdange",
                    country="LU",
                    lat=49.5242,
                    lon=5.8915,
                ),
                organiser=I18nText.of({"fr": "Centre culturel de Differdange"}),
                price=Price(free=False, minimum=Decimal(8), maximum=Decimal(8), currency="EUR"),
            ),
            SourceEvent(external_id="ss-1002", title=I18nText(), deleted=True),
            SourceEvent(
                external_id="ev-77",
                title=I18nText.of({"fr": "Portes ouvertes du conservatoire"}),
                description_is_html=True,
                occurrences=(
                    Occurrence(
                        start=datetime(2026, 10, 18, 10, 0, tzinfo=LUX),
                        end=datetime(2026, 10, 18, 17, 0, tzinfo=LUX),
                        timezone="Europe/Luxembourg",
                        status=EventStatus.CANCELLED,
                    ),
                ),
                timezone="Europe/Luxembourg",
                status=EventStatus.CANCELLED,
                location=Location(
                    name=I18nText.of({"fr": "Conservatoire"}),
                    locality="Esch-sur-Alzette",
                    country="LU",
                ),
                price=Price(free=True),
            ),
        ),
        errors=(
            SourceItemError(
                message="item 'ss-1042': startDate: unreadable date 'le 15 octobre'",
                external_id="ss-1042",
            ),
            SourceItemError(
                message="item 'fu-9': data of kind 'FacilityUse' is not an event",
                external_id="fu-9",
            ),
        ),
        meta=FeedMeta(
            next_url=f"{SESSIONS}?afterTimestamp=1790000300&afterId=ss-1043",
            complete=False,
        ),
    )


def test_change_number_ordered_page(now: datetime) -> None:
    result = read("events_change_number.json", now, f"{EVENTS}?afterChangeNumber=4980", lang="de")
    assert result == ReadResult(
        events=(
            SourceEvent(
                external_id="5001",
                title=I18nText.of({"de": "Poetry Slam"}),
                description_is_html=True,
                occurrences=(
                    Occurrence(
                        start=datetime(2026, 10, 30, 20, 0, tzinfo=LUX),
                        timezone="Europe/Luxembourg",
                    ),
                ),
                timezone="Europe/Luxembourg",
                attendance_mode=AttendanceMode.MIXED,
                online_url="https://stream.example.de/slam",
                location=Location(
                    name=I18nText.of({"de": "Kulturzentrum Trier"}), locality="Trier", country="DE"
                ),
            ),
            SourceEvent(external_id="4990", title=I18nText(), deleted=True),
        ),
        meta=FeedMeta(next_url=f"{EVENTS}?afterChangeNumber=5002", complete=False),
    )


def test_last_page_keeps_next_as_the_checkpoint(now: datetime) -> None:
    url = f"{EVENTS}?afterChangeNumber=5002"
    result = read("last_page.json", now, url)
    assert result == ReadResult(meta=FeedMeta(next_url=url, complete=False))
    assert is_last_page(url, json.loads((HERE / "last_page.json").read_bytes())) is True


@pytest.mark.parametrize(
    ("url", "payload", "expected"),
    [
        (
            f"{EVENTS}?afterChangeNumber=5002",
            {"items": [], "next": f"{EVENTS}?afterChangeNumber=5002"},
            True,
        ),
        # A relative next that resolves to the same URL ends the feed too.
        (
            f"{EVENTS}?afterChangeNumber=5002",
            {"items": [], "next": "/rpde/events?afterChangeNumber=5002"},
            True,
        ),
        # Empty but pointing elsewhere: not the end (the spec says keep polling next).
        (
            f"{EVENTS}?afterChangeNumber=5002",
            {"items": [], "next": f"{EVENTS}?afterChangeNumber=5003"},
            False,
        ),
        (
            f"{EVENTS}?afterChangeNumber=5002",
            {"items": [{"id": 1}], "next": f"{EVENTS}?afterChangeNumber=5002"},
            False,
        ),
        (f"{EVENTS}?afterChangeNumber=5002", [], False),
    ],
)
def test_is_last_page(url: str, payload: object, expected: bool) -> None:
    assert is_last_page(url, payload) is expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html></html>", "not JSON"),
        (b'{"next": "x"}', "no items list"),
        (b'{"items": []}', "no next URL"),
    ],
)
def test_garbage_is_a_format_error(data: bytes, message: str, now: datetime) -> None:
    with pytest.raises(FeedFormatError, match=message):
        read_rpde(data, ReadContext(now=now, url=EVENTS))
