"""schema.org Events in JSON-LD, shaped for Google's event rich results.

Google wants one Event per date, so each occurrence is its own Event with
its own ``@id`` (the event page plus ``#occurrence-<id>``) and the event's
``url``. Every field Google requires (name, startDate, location) and
recommends (description, endDate, eventAttendanceMode, eventStatus, image,
offers, organizer, performer, previousStartDate) is written when the store
knows it; nothing is invented beyond documented defaults: a known price
without a currency is in euros (the region's currency), an offer whose
availability is unknown is "InStock", a cancelled date's offer is
"Discontinued", and ``validFrom`` is when the event was published (the
store does not know when sales opened).

Dates carry the event zone's offset (``2026-10-20T20:00:00+02:00``);
all-day dates are plain dates, and ``endDate`` is then the last day
(schema.org's end is inclusive, where the store's is exclusive).

The serialised JSON escapes ``<``, ``>`` and ``&`` as ``\\u003c`` and so on,
so the very same text can sit inside ``<script type="application/ld+json">``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from pluriel.exporters.common import (
    effective_status,
    html_to_text,
    localised,
    original_start,
    zone,
)
from pluriel.exporters.types import ExportEvent, ExportOccurrence, ExportPlace
from pluriel.model import AttendanceMode, Availability, EventStatus

__all__ = [
    "ATTENDANCE_MODE",
    "AVAILABILITY",
    "EVENT_STATUS",
    "event_jsonld",
    "jsonld_document",
    "jsonld_dumps",
    "jsonld_script_tag",
    "to_jsonld",
]

SCHEMA = "https://schema.org/"

EVENT_STATUS: dict[EventStatus, str] = {
    EventStatus.SCHEDULED: SCHEMA + "EventScheduled",
    EventStatus.CANCELLED: SCHEMA + "EventCancelled",
    EventStatus.POSTPONED: SCHEMA + "EventPostponed",
    EventStatus.RESCHEDULED: SCHEMA + "EventRescheduled",
    EventStatus.MOVED_ONLINE: SCHEMA + "EventMovedOnline",
}

ATTENDANCE_MODE: dict[AttendanceMode, str] = {
    AttendanceMode.OFFLINE: SCHEMA + "OfflineEventAttendanceMode",
    AttendanceMode.ONLINE: SCHEMA + "OnlineEventAttendanceMode",
    AttendanceMode.MIXED: SCHEMA + "MixedEventAttendanceMode",
}

AVAILABILITY: dict[Availability, str] = {
    Availability.AVAILABLE: SCHEMA + "InStock",
    Availability.FEW_LEFT: SCHEMA + "LimitedAvailability",
    Availability.SOLD_OUT: SCHEMA + "SoldOut",
}

#: Tickets for a cancelled date are no longer sold, whatever their stock was.
_DISCONTINUED = SCHEMA + "Discontinued"
_DEFAULT_CURRENCY = "EUR"
# Only ever inside JSON strings, where the escaped form means the same.
_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def to_jsonld(events: Sequence[ExportEvent], *, lang: str, url: str) -> bytes:
    """The feed as UTF-8 JSON-LD: an ItemList of one Event per date."""
    return jsonld_dumps(jsonld_document(events, lang=lang, url=url)).encode()


def jsonld_document(events: Sequence[ExportEvent], *, lang: str, url: str) -> dict[str, Any]:
    """The feed as a JSON-compatible dict, for pages that embed it."""
    dates: list[tuple[datetime, int, str, dict[str, Any]]] = []
    for position, event in enumerate(events):
        texts = _Texts.of(event, lang)  # once per event: HTML to text is the costly part
        dates.extend(
            (occurrence.start, position, occurrence.id, _event(event, occurrence, texts, url))
            for occurrence in event.occurrences
        )
    dates.sort(key=lambda item: item[:3])
    items = [item for *_, item in dates]
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "url": url,
        "numberOfItems": len(items),
        "itemListElement": [
            {"@type": "ListItem", "position": index, "item": item}
            for index, item in enumerate(items, start=1)
        ],
    }


def jsonld_dumps(obj: Mapping[str, Any]) -> str:
    """Compact JSON that is also safe inside an HTML ``<script>`` element."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in _ESCAPES:
        text = text.replace(raw, escaped)
    return text


def jsonld_script_tag(obj: Mapping[str, Any]) -> str:
    """``<script type="application/ld+json">…</script>`` for a page's ``<head>``."""
    return f'<script type="application/ld+json">{jsonld_dumps(obj)}</script>'


def event_jsonld(
    event: ExportEvent, occurrence: ExportOccurrence, *, lang: str, feed_url: str
) -> dict[str, Any]:
    """One date of ``event`` as a schema.org Event."""
    return _event(event, occurrence, _Texts.of(event, lang), feed_url)


@dataclass(frozen=True, slots=True)
class _Texts:
    """An event's texts in the feed language, shared by all its dates."""

    title: str | None
    title_lang: str | None
    description: str
    place_name: str | None

    @classmethod
    def of(cls, event: ExportEvent, lang: str) -> _Texts:
        title, title_lang = localised(event.title, lang)
        place_name = localised(event.place.name, lang)[0] if event.place else None
        description = html_to_text(localised(event.description, lang)[0])
        return cls(title, title_lang, description, place_name)


def _event(
    event: ExportEvent, occurrence: ExportOccurrence, texts: _Texts, feed_url: str
) -> dict[str, Any]:
    status = effective_status(event, occurrence)
    mode = AttendanceMode.ONLINE if status is EventStatus.MOVED_ONLINE else event.attendance_mode
    title, title_lang = texts.title, texts.title_lang
    page = event.url or f"{feed_url}#event-{event.id}"
    out: dict[str, Any] = {
        "@type": "Event",
        "@id": f"{page}#occurrence-{occurrence.id}" if event.url else f"{page}-{occurrence.id}",
        "url": page,
        "name": title or event.id,
    }
    if title_lang:
        out["inLanguage"] = title_lang
    if texts.description:
        out["description"] = texts.description
    out["startDate"] = _when(occurrence.start, occurrence)
    end = _end(occurrence)
    if end is not None:
        out["endDate"] = end
    out["eventStatus"] = EVENT_STATUS[status]
    out["eventAttendanceMode"] = ATTENDANCE_MODE[mode]
    previous = _previous(occurrence)
    if previous is not None:
        out["previousStartDate"] = previous
    location = _location(event, mode, place_name=texts.place_name)
    if location:
        out["location"] = location[0] if len(location) == 1 else location
    if event.image_url:
        out["image"] = [event.image_url]
    offer = _offer(event, occurrence, status)
    if offer:
        out["offers"] = offer
    if event.price is not None and event.price.free is not None:
        out["isAccessibleForFree"] = event.price.free
    if event.organiser is not None:
        organiser: dict[str, Any] = {"@type": "Organization", "name": event.organiser.name}
        if event.organiser.url:
            organiser["url"] = event.organiser.url
        out["organizer"] = organiser
    if event.performers:
        # The store does not tell people from groups; Google accepts either.
        out["performer"] = [{"@type": "PerformingGroup", "name": n} for n in event.performers]
    return out


def _when(moment: datetime, occurrence: ExportOccurrence) -> str:
    local = moment.astimezone(zone(occurrence.timezone))
    if occurrence.all_day:
        return local.date().isoformat()
    return local.isoformat(timespec="seconds")


def _end(occurrence: ExportOccurrence) -> str | None:
    if occurrence.all_day:
        tz = zone(occurrence.timezone)
        first = occurrence.start.astimezone(tz).date()
        if occurrence.end is None:
            return first.isoformat()
        last = occurrence.end.astimezone(tz).date() - timedelta(days=1)
        return max(first, last).isoformat()
    if occurrence.end is None or occurrence.end <= occurrence.start:
        return None
    return _when(occurrence.end, occurrence)


def _previous(occurrence: ExportOccurrence) -> str | None:
    """The start before a move, when this date was moved."""
    original = original_start(occurrence)
    if isinstance(original, datetime):
        if occurrence.all_day or original == occurrence.start:
            return None
        return _when(original, occurrence)
    if isinstance(original, date) and occurrence.all_day:
        now = occurrence.start.astimezone(zone(occurrence.timezone)).date()
        return None if original == now else original.isoformat()
    return None


def _location(
    event: ExportEvent, mode: AttendanceMode, *, place_name: str | None
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if mode is not AttendanceMode.ONLINE and event.place is not None:
        out.append(_place(event.place, name=place_name))
    if mode is not AttendanceMode.OFFLINE:
        # Where to attend from home; the event page says how when no stream is known.
        link = event.online_url or event.url or event.booking_url
        if link:
            out.append({"@type": "VirtualLocation", "url": link})
    return out


def _place(place: ExportPlace, *, name: str | None) -> dict[str, Any]:
    address: dict[str, Any] = {"@type": "PostalAddress"}
    for key, value in (
        ("streetAddress", place.street),
        ("postalCode", place.postal_code),
        ("addressLocality", place.locality),
        ("addressCountry", place.country),
    ):
        if value:
            address[key] = value
    out: dict[str, Any] = {"@type": "Place"}
    if name:
        out["name"] = name
    out["address"] = address
    if place.lat is not None and place.lon is not None:
        out["geo"] = {"@type": "GeoCoordinates", "latitude": place.lat, "longitude": place.lon}
    return out


def _offer(
    event: ExportEvent, occurrence: ExportOccurrence, status: EventStatus
) -> dict[str, Any] | None:
    price = event.price
    link = event.booking_url or event.url
    if price is None and link is None:
        return None
    offer: dict[str, Any] = {"@type": "Offer"}
    if link:
        offer["url"] = link
    if price is not None:
        low = Decimal(0) if price.free else price.minimum
        if low is not None:
            currency = price.currency or _DEFAULT_CURRENCY
            offer["price"] = _number(low)
            offer["priceCurrency"] = currency
            if price.maximum is not None and price.maximum > low:
                offer["priceSpecification"] = {
                    "@type": "PriceSpecification",
                    "minPrice": _number(low),
                    "maxPrice": _number(price.maximum),
                    "priceCurrency": currency,
                }
    if status is EventStatus.CANCELLED:
        offer["availability"] = _DISCONTINUED
    else:
        offer["availability"] = AVAILABILITY[occurrence.availability or Availability.AVAILABLE]
    offer["validFrom"] = event.created.astimezone(zone(event.timezone)).isoformat(
        timespec="seconds"
    )
    return offer


def _number(value: Decimal) -> int | float:
    """A price as a JSON number: 0 and 12 stay whole, 12.50 becomes 12.5."""
    integral = value.to_integral_value()
    return int(integral) if value == integral else float(value)
