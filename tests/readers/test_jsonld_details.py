"""One schema.org property at a time: spellings, prices, free flags, dates."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pluriel.model import AttendanceMode, EventStatus, I18nText, Price, SourceEvent
from pluriel.readers.common import ReadContext
from pluriel.readers.jsonld import read_jsonld
from pluriel.readers.prices import parse_price

LUX = ZoneInfo("Europe/Luxembourg")


def one_event(now: datetime, **fields: Any) -> SourceEvent:
    node = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "Test",
        "url": "https://example.lu/e",
        "startDate": "2026-10-10T20:00:00",
        **fields,
    }
    page = f'<html lang="fr"><script type="application/ld+json">{json.dumps(node)}</script></html>'
    result = read_jsonld(page.encode(), ReadContext(now=now, timezone="Europe/Luxembourg"))
    assert result.errors == ()
    (event,) = result.events
    return event


@pytest.mark.parametrize(
    ("spelling", "status"),
    [
        ("https://schema.org/EventCancelled", EventStatus.CANCELLED),
        ("http://schema.org/EventCancelled", EventStatus.CANCELLED),
        ("schema:EventCancelled", EventStatus.CANCELLED),
        ("EventCancelled", EventStatus.CANCELLED),
        ("https://schema.org/EventCanceled", EventStatus.CANCELLED),
        ({"@id": "https://schema.org/EventPostponed"}, EventStatus.POSTPONED),
        ("http://schema.org/EventRescheduled", EventStatus.RESCHEDULED),
        ("https://schema.org/EventMovedOnline", EventStatus.MOVED_ONLINE),
        ("https://schema.org/EventScheduled", EventStatus.SCHEDULED),
    ],
)
def test_event_status_in_every_spelling(spelling: Any, status: EventStatus, now: datetime) -> None:
    event = one_event(now, eventStatus=spelling)
    assert (event.status, event.occurrences[0].status, event.warnings) == (status, status, ())


def test_junk_status_is_scheduled_with_a_warning(now: datetime) -> None:
    event = one_event(now, eventStatus="https://schema.org/EventMaybe")
    assert (event.status, event.warnings) == (
        EventStatus.SCHEDULED,
        ("unknown eventStatus 'https://schema.org/EventMaybe', read as scheduled",),
    )


@pytest.mark.parametrize(
    ("spelling", "mode"),
    [
        ("https://schema.org/OfflineEventAttendanceMode", AttendanceMode.OFFLINE),
        ("http://schema.org/OnlineEventAttendanceMode", AttendanceMode.ONLINE),
        ("schema:MixedEventAttendanceMode", AttendanceMode.MIXED),
        ("MixedEventAttendanceMode", AttendanceMode.MIXED),
    ],
)
def test_attendance_mode_spellings(spelling: str, mode: AttendanceMode, now: datetime) -> None:
    assert one_event(now, eventAttendanceMode=spelling).attendance_mode is mode


@pytest.mark.parametrize(
    ("value", "free"),
    [(True, True), ("true", True), ("True", True), (False, False), ("false", False), ("no", False)],
)
def test_is_accessible_for_free_as_bool_or_string(value: Any, free: bool, now: datetime) -> None:
    assert one_event(now, isAccessibleForFree=value).price == Price(free=free)


def test_offsetless_dates_are_local_and_date_only_is_all_day(now: datetime) -> None:
    timed = one_event(now, startDate="2026-07-01T20:00:00")
    assert timed.occurrences[0].start == datetime(2026, 7, 1, 20, 0, tzinfo=LUX)
    assert (timed.occurrences[0].all_day, timed.occurrences[0].floating) == (False, False)
    day = one_event(now, startDate="2026-07-01")
    assert (day.occurrences[0].start, day.occurrences[0].end, day.occurrences[0].all_day) == (
        datetime(2026, 7, 1, tzinfo=LUX),
        None,
        True,
    )


def test_duration_gives_the_end(now: datetime) -> None:
    event = one_event(now, duration="PT1H45M")
    assert event.occurrences[0].end == datetime(2026, 10, 10, 21, 45, tzinfo=LUX)


def test_super_event_fills_what_the_event_leaves_out(now: datetime) -> None:
    event = one_event(
        now,
        name=None,
        superEvent={"@type": "EventSeries", "name": "Midis musicaux", "keywords": ["orgue"]},
    )
    assert (event.title, event.keywords) == (I18nText.of({"fr": "Midis musicaux"}), ("orgue",))


def test_age_range(now: datetime) -> None:
    event = one_event(now, typicalAgeRange="7-12")
    assert (event.age_min, event.age_max) == (7, 12)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "12,50 €",
            Price(free=False, minimum=Decimal("12.50"), maximum=Decimal("12.50"), currency="EUR"),
        ),
        ("ab 15 EUR", Price(free=False, minimum=Decimal(15), currency="EUR")),
        ("à partir de 8 euros", Price(free=False, minimum=Decimal(8), currency="EUR")),
        ("Gratuit", Price(free=True)),
        ("Eintritt frei", Price(free=True)),
        ("Entrée libre", Price(free=True)),
        ("0 €", Price(free=True, minimum=Decimal(0), maximum=Decimal(0), currency="EUR")),
        ("10–15 €", Price(free=False, minimum=Decimal(10), maximum=Decimal(15), currency="EUR")),
        (
            "1.500 €",
            Price(free=False, minimum=Decimal(1500), maximum=Decimal(1500), currency="EUR"),
        ),
        (
            "$299 Early Bird, $399 Regular",
            Price(free=False, minimum=Decimal(299), maximum=Decimal(399), currency="USD"),
        ),
        ("CHF 20.-", Price(free=False, minimum=Decimal(20), maximum=Decimal(20), currency="CHF")),
        ("sur réservation", Price()),
    ],
)
def test_price_text(text: str, expected: Price) -> None:
    parsed = parse_price(text, lang="fr")
    assert parsed is not None
    assert parsed == Price(
        free=expected.free,
        minimum=expected.minimum,
        maximum=expected.maximum,
        currency=expected.currency,
        text=I18nText.of({"fr": text}),
    )


def test_empty_price_text_is_no_price() -> None:
    assert parse_price("  ", lang="fr") is None


def test_monthly_all_day_schedule_on_the_second_saturday(now: datetime) -> None:
    event = one_event(
        now,
        startDate="2026-10-10",
        eventSchedule={
            "@type": "Schedule",
            "repeatFrequency": "Monthly",
            "byDay": "https://schema.org/Saturday",
            "byMonthWeek": 2,
            "endDate": "2026-12-31",
        },
    )
    assert event.rrule == "FREQ=MONTHLY;BYDAY=2SA;UNTIL=20261231"
    assert [(o.start, o.end, o.all_day) for o in event.occurrences] == [
        (datetime(2026, m, d, tzinfo=LUX), datetime(2026, m, d + 1, tzinfo=LUX), True)
        for m, d in ((10, 10), (11, 14), (12, 12))
    ]


def test_unreadable_schedule_is_an_item_error(now: datetime) -> None:
    node = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "Souvent",
        "url": "https://example.lu/souvent",
        "eventSchedule": {
            "@type": "Schedule",
            "startDate": "2026-10-01",
            "repeatFrequency": "often",
        },
    }
    page = f'<script type="application/ld+json">{json.dumps(node)}</script>'
    result = read_jsonld(page.encode(), ReadContext(now=now, lang="fr"))
    assert [(e.message, e.external_id) for e in result.errors] == [
        (
            "event 'Souvent': eventSchedule repeatFrequency 'often' is not a day, week, "
            "month or year",
            "https://example.lu/souvent",
        )
    ]
    assert result.events == ()
