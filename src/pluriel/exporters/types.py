"""What the open feeds export: one event with its dates, as the store knows it.

The web layer turns database rows into these values; the exporters turn them
into bytes and never touch the database, so each format is tested on plain
values and a feed cannot issue a query per event.

Times are aware datetimes. All-day occurrences start at local midnight in
their ``timezone`` and ``end`` is exclusive (the next midnight after the last
day), as in the store. ``recurrence_id`` is the original start of an instance
of a series as the store keeps it: ``2026-10-20T18:00:00Z`` for timed series,
``2026-10-20`` for all-day ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pluriel.model import AttendanceMode, Availability, EventStatus, I18nText, Price

__all__ = ["ExportEvent", "ExportOccurrence", "ExportOrganiser", "ExportPlace"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportOccurrence:
    """One date of an event; ``previous_start`` is set when it was moved."""

    id: str
    start: datetime
    end: datetime | None = None
    all_day: bool = False
    timezone: str = "UTC"
    status: EventStatus = EventStatus.SCHEDULED
    availability: Availability | None = None
    previous_start: datetime | None = None
    recurrence_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportPlace:
    name: I18nText = field(default_factory=I18nText)
    street: str | None = None
    postal_code: str | None = None
    locality: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportOrganiser:
    """Who publishes the event: the institution, named in schema.org ``organizer``."""

    name: str
    url: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportEvent:
    """One event of a feed.

    ``uid`` is the iCalendar UID, stable for the life of the event (calendar
    apps key updates on it); ``url`` is the event's canonical pluriel page.
    ``description`` holds sanitised HTML. ``categories`` pairs a taxonomy id
    with its labels. ``sequence`` is the iCalendar revision number; the
    exporters never invent one.
    """

    id: str
    uid: str
    title: I18nText
    timezone: str
    updated: datetime
    created: datetime
    occurrences: tuple[ExportOccurrence, ...] = ()
    url: str | None = None
    description: I18nText = field(default_factory=I18nText)
    status: EventStatus = EventStatus.SCHEDULED
    attendance_mode: AttendanceMode = AttendanceMode.OFFLINE
    rrule: str | None = None
    place: ExportPlace | None = None
    online_url: str | None = None
    booking_url: str | None = None
    image_url: str | None = None
    categories: tuple[tuple[str, I18nText], ...] = ()
    price: Price | None = None
    organiser: ExportOrganiser | None = None
    performers: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    sequence: int = 0
