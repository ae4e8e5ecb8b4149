"""From one source's SourceEvent to the canonical candidate the store keeps.

The candidate is a plain JSON payload (stored in ``source_event.payload``) so
that an event can always be recomposed from its sources' payloads, and its
hash decides whether anything changed since the last crawl.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pluriel.aggregator import language, taxonomy
from pluriel.aggregator.accessibility import map_accessibility
from pluriel.aggregator.sanitise import clean_html, clean_text, clean_url
from pluriel.model import (
    UNDETERMINED,
    AttendanceMode,
    EventStatus,
    I18nText,
    Location,
    Occurrence,
    Price,
    SourceEvent,
    SourceSpec,
)
from pluriel.readers.common import text_to_html

__all__ = ["Candidate", "content_hash", "normalise", "occurrence_key"]

Payload = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A normalised event from one source: its stable key, its payload and the payload's hash."""

    external_id: str
    payload: Payload
    hash: str
    deleted: bool = False


def content_hash(payload: Payload) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def occurrence_key(occ: Payload) -> str:
    """Identity of an occurrence across crawls: its recurrence id, else its start."""
    return str(occ.get("recurrence_id") or occ["starts_at"])


def _occurrence(occ: Occurrence, series_status: EventStatus) -> Payload:
    status = EventStatus.CANCELLED if series_status is EventStatus.CANCELLED else occ.status
    if occ.previous_start is not None and status is EventStatus.SCHEDULED:
        status = EventStatus.RESCHEDULED
    end = occ.end if occ.end is not None and occ.end >= occ.start else None
    return {
        "starts_at": _iso(occ.start),
        "ends_at": _iso(end),
        "all_day": occ.all_day,
        "floating": occ.floating,
        "timezone": occ.timezone,
        "status": status.value,
        "availability": occ.availability.value if occ.availability else None,
        "recurrence_id": occ.recurrence_id,
        "previous_start": _iso(occ.previous_start),
    }


def _text(values: I18nText, declared: str) -> I18nText:
    cleaned = I18nText.of([(lang, clean_text(text)) for lang, text in values])
    return language.resolve(cleaned, declared=declared)


def _description(event: SourceEvent, declared: str) -> I18nText:
    as_html = [
        (lang, clean_html(text if event.description_is_html else text_to_html(text)))
        for lang, text in event.description
    ]
    html = I18nText.of(as_html)
    return language.resolve(html, declared=declared) if html else html


def _place(location: Location | None, declared: str) -> Payload | None:
    if location is None:
        return None
    name = I18nText.of([(lang, clean_text(text)) for lang, text in location.name])
    if not name and location.raw:
        name = I18nText.single(clean_text(location.raw), declared)
    if not name and not location.locality and location.lat is None:
        return None
    lat, lon = location.lat, location.lon
    if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        lat = lon = None
    return {
        "name": name.as_dict(),
        "raw": clean_text(location.raw) or None,
        "street": clean_text(location.street) or None,
        "postal_code": clean_text(location.postal_code) or None,
        "locality": clean_text(location.locality) or None,
        "country": (location.country or "").upper()[:2] or None,
        "lat": lat,
        "lon": lon,
        "url": clean_url(location.url),
    }


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _price(price: Price | None) -> Payload | None:
    if price is None:
        return None
    return {
        "free": price.free,
        "min": _decimal(price.minimum),
        "max": _decimal(price.maximum),
        "currency": price.currency,
        "text": {lang: clean_text(text) for lang, text in price.text},
    }


def _attendance(event: SourceEvent, place: Payload | None, online: str | None) -> str:
    if event.attendance_mode is not None:
        return event.attendance_mode.value
    if online and place:
        return AttendanceMode.MIXED.value
    if online:
        return AttendanceMode.ONLINE.value
    return AttendanceMode.OFFLINE.value


def normalise(event: SourceEvent, spec: SourceSpec) -> Candidate:
    """Canonical candidate for ``event`` as published by ``spec``'s source."""
    declared = spec.lang if spec.lang else UNDETERMINED
    if event.deleted:
        return Candidate(event.external_id, {"deleted": True}, "deleted", deleted=True)
    title = _text(event.title, declared)
    description = _description(event, declared)
    place = _place(event.location, declared)
    online_url = clean_url(event.online_url)
    occurrences = sorted(
        {
            occurrence_key(p): p for p in (_occurrence(o, event.status) for o in event.occurrences)
        }.values(),
        key=lambda p: (p["starts_at"], p["recurrence_id"] or ""),
    )
    mapped = taxonomy.map_categories([*event.categories, *event.keywords])
    languages = list(dict.fromkeys([*title.languages, *description.languages]))
    price = _price(event.price)
    payload: Payload = {
        "title": title.as_dict(),
        "title_order": list(title.languages),
        "description": description.as_dict(),
        "languages": languages,
        "status": event.status.value,
        "tentative": event.tentative,
        "attendance_mode": _attendance(event, place, online_url),
        "timezone": event.timezone,
        "rrule": event.rrule,
        "exdates": [_iso(d) for d in event.exdates],
        "url": clean_url(event.url),
        "booking_url": clean_url(event.booking_url),
        "online_url": online_url,
        "image_url": next((u for u in map(clean_url, event.image_urls) if u), None),
        "categories": list(mapped.categories),
        "tags": list(mapped.unmapped),
        "place": place,
        "price": price,
        "is_free": price["free"] if price else None,
        "accessibility": list(map_accessibility(event.accessibility)),
        "age_min": event.age_min,
        "age_max": event.age_max,
        "performers": list(event.performers),
        "performance_languages": list(event.performance_languages),
        "occurrences": occurrences,
    }
    return Candidate(event.external_id, payload, content_hash(payload))
