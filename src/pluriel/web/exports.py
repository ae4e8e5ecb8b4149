"""Store rows to exporter values: the one place feeds learn what an event looks like.

Unknown enum values in old rows read as their safe default (scheduled,
offline, no availability) rather than breaking a whole feed.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar

from pluriel.exporters import ExportEvent, ExportOccurrence, ExportOrganiser, ExportPlace
from pluriel.model import AttendanceMode, Availability, EventStatus, I18nText, Price
from pluriel.store import read
from pluriel.store.feeds import FeedBundle, FeedOccurrenceRow

__all__ = ["export_events", "uid_of"]

_E = TypeVar("_E", bound=Enum)
_D = TypeVar("_D")


def uid_of(event_id: int) -> str:
    """The iCalendar UID of an event: stable for its whole life, whatever host serves it."""
    return f"event-{event_id}@pluriel"


def export_events(bundle: FeedBundle) -> list[ExportEvent]:
    return [_event(row, bundle) for row in bundle.events]


def _event(row: read.EventRow, bundle: FeedBundle) -> ExportEvent:
    texts = bundle.texts.get(row.id, [])
    place = bundle.places.get(row.place_id) if row.place_id is not None else None
    institution = bundle.institutions.get(row.institution_id)
    return ExportEvent(
        id=str(row.id),
        uid=uid_of(row.id),
        title=I18nText.of((t.lang, t.title) for t in texts),
        description=I18nText.of((t.lang, t.description or "") for t in texts),
        timezone=row.timezone,
        updated=row.updated_at,
        created=row.created_at or row.updated_at,
        occurrences=tuple(_occurrence(o) for o in bundle.occurrences.get(row.id, [])),
        url=row.url,
        status=_enum(EventStatus, row.status, EventStatus.SCHEDULED),
        attendance_mode=_enum(AttendanceMode, row.attendance_mode, AttendanceMode.OFFLINE),
        rrule=row.rrule,
        place=None if place is None else _place(place),
        online_url=row.online_url,
        booking_url=row.booking_url,
        image_url=row.image_url,
        categories=tuple((c.id, I18nText.of(c.labels)) for c in bundle.categories.get(row.id, [])),
        price=_price(row.price, row.is_free),
        organiser=None
        if institution is None
        else ExportOrganiser(name=institution.name, url=institution.website),
        languages=tuple(row.languages),
    )


def _occurrence(row: FeedOccurrenceRow) -> ExportOccurrence:
    return ExportOccurrence(
        id=str(row.id),
        start=row.starts_at,
        end=row.ends_at,
        all_day=row.all_day,
        timezone=row.timezone,
        status=_enum(EventStatus, row.status, EventStatus.SCHEDULED),
        availability=None
        if row.availability is None
        else _enum(Availability, row.availability, None),
        previous_start=row.previous_start,
        recurrence_id=row.recurrence_id,
    )


def _place(row: read.PlaceRow) -> ExportPlace:
    return ExportPlace(
        name=I18nText.of(row.name),
        street=row.street,
        postal_code=row.postal_code,
        locality=row.locality,
        country=row.country,
        lat=row.lat,
        lon=row.lon,
    )


def _price(raw: dict[str, Any] | None, is_free: bool | None) -> Price | None:
    if raw is None:
        return None if is_free is None else Price(free=is_free)
    text = raw.get("text")
    return Price(
        free=raw.get("free") if isinstance(raw.get("free"), bool) else is_free,
        minimum=_decimal(raw.get("min")),
        maximum=_decimal(raw.get("max")),
        currency=raw.get("currency") if isinstance(raw.get("currency"), str) else None,
        text=I18nText.of(
            {k: v for k, v in text.items() if isinstance(v, str)} if isinstance(text, dict) else {}
        ),
    )


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _enum(kind: type[_E], value: str, default: _D) -> _E | _D:
    try:
        return kind(value)
    except ValueError:
        return default
