"""What a reader hands on: one source's view of one event, before normalisation.

Readers (``pluriel.readers``) turn bytes into :class:`ReadResult`; the
aggregator normalises each :class:`SourceEvent` and merges it into the store.
Times are timezone-aware; a floating time is given in the source's zone with
``floating=True`` so that nothing downstream has to guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from pluriel.model.enums import AttendanceMode, Availability, EventStatus
from pluriel.model.text import I18nText

__all__ = [
    "FeedMeta",
    "Location",
    "Occurrence",
    "Price",
    "ReadResult",
    "SourceEvent",
    "SourceItemError",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Occurrence:
    """One dated instance of an event.

    ``start``/``end`` are aware datetimes. For all-day occurrences they are
    local midnights in ``timezone`` and ``end`` is exclusive (iCalendar's
    DTEND rule). ``recurrence_id`` identifies an instance of a series (the
    original start in UTC, ISO 8601) so that overrides and cancellations can
    be matched across crawls.
    """

    start: datetime
    end: datetime | None = None
    all_day: bool = False
    floating: bool = False
    timezone: str = "UTC"
    status: EventStatus = EventStatus.SCHEDULED
    availability: Availability | None = None
    recurrence_id: str | None = None
    previous_start: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    name: I18nText = field(default_factory=I18nText)
    street: str | None = None
    postal_code: str | None = None
    locality: str | None = None
    region: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2 when known
    lat: float | None = None
    lon: float | None = None
    url: str | None = None
    raw: str | None = None  # the location as the source wrote it, when it was one string


@dataclass(frozen=True, slots=True, kw_only=True)
class Price:
    free: bool | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    currency: str | None = None
    text: I18nText = field(default_factory=I18nText)


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceEvent:
    """One event as one source describes it.

    ``external_id`` is stable across crawls for the same event in the same
    source (for iCalendar: the UID). Text fields may still contain markup
    and ``und`` languages; the aggregator sanitises and detects.
    ``description`` entries are HTML when ``description_is_html`` is true,
    plain text otherwise.
    """

    external_id: str
    title: I18nText
    description: I18nText = field(default_factory=I18nText)
    description_is_html: bool = False
    occurrences: tuple[Occurrence, ...] = ()
    timezone: str = "UTC"
    rrule: str | None = None
    rdates: tuple[datetime, ...] = ()
    exdates: tuple[datetime, ...] = ()
    status: EventStatus = EventStatus.SCHEDULED
    tentative: bool = False
    sequence: int = 0
    attendance_mode: AttendanceMode | None = None
    url: str | None = None
    booking_url: str | None = None
    online_url: str | None = None
    image_urls: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    location: Location | None = None
    organiser: I18nText = field(default_factory=I18nText)
    performers: tuple[str, ...] = ()
    price: Price | None = None
    accessibility: tuple[str, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    performance_languages: tuple[str, ...] = ()
    modified: datetime | None = None
    deleted: bool = False  # RPDE and change feeds announce deletions explicitly
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceItemError:
    """One unusable item; the rest of the feed still ingests."""

    message: str
    external_id: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedMeta:
    name: I18nText = field(default_factory=I18nText)
    refresh_interval: timedelta | None = None
    timezone: str | None = None
    next_url: str | None = None  # paging / checkpoint for formats that have one
    follow: tuple[str, ...] = ()  # detail pages a listing links to (same site)
    complete: bool = True  # False when the feed is known to be a partial view


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadResult:
    events: tuple[SourceEvent, ...] = ()
    errors: tuple[SourceItemError, ...] = ()
    meta: FeedMeta = field(default_factory=FeedMeta)
