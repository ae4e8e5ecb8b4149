"""The Events Calendar (WordPress) REST API: legacy ``tribe/events/v1`` and newer ``tec/v1``.

Legacy pages are ``{"events": [...], "next_rest_url": ...}``; ``tec/v1``
answers a bare JSON array and pages through the HTTP ``Link`` header, which
the spider reads with :func:`next_link`. Events are keyed on the API ``id``
(as ``tribe:<id>``) or, without one, on their URL: never on the iCal UID,
which the plugin derives from the start and changes when an event moves.
WordPress HTML-escapes titles (``&#8211;``, ``&amp;``); they are unescaped.

The event's ``website`` (usually its ticket or programme page elsewhere)
becomes ``booking_url``; the API's own ``url``/``link`` is the event's URL.

Times: ``utc_start_date`` is authoritative when present; otherwise the
local ``start_date`` is read in the event's ``timezone`` field, else the
source's zone. All-day events become local midnights with an exclusive end.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pluriel.errors import FeedFormatError, ItemError
from pluriel.model import (
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
from pluriel.readers.common import (
    ReadContext,
    absolute_url,
    country_code,
    decode_text,
    html_description,
    strip_markup,
    zone,
)
from pluriel.readers.prices import parse_amount, parse_price

__all__ = ["next_link", "read_tribe"]

_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")
_STATUS = {
    "canceled": EventStatus.CANCELLED,
    "cancelled": EventStatus.CANCELLED,
    "postponed": EventStatus.POSTPONED,
    "rescheduled": EventStatus.RESCHEDULED,
    "moved_online": EventStatus.MOVED_ONLINE,
    "scheduled": EventStatus.SCHEDULED,
}


def next_link(link_header: str | None) -> str | None:
    """The ``rel="next"`` target of an HTTP ``Link`` header (RFC 8288), if any."""
    if not link_header:
        return None
    for match in _LINK.finditer(link_header):
        params = match.group(2)
        rel = re.search(r';\s*rel\s*=\s*"?([^";]+)"?', params, re.IGNORECASE)
        if rel and "next" in rel.group(1).lower().split():
            return match.group(1).strip() or None
    return None


def read_tribe(data: bytes, ctx: ReadContext) -> ReadResult:
    """One page of a Tribe or TEC events endpoint."""
    where = ctx.url or "document"
    try:
        payload = json.loads(decode_text(data))
    except ValueError as exc:
        raise FeedFormatError(f"{where}: not JSON: {exc}") from None
    if isinstance(payload, list):
        items, next_url = payload, None
    elif isinstance(payload, dict) and isinstance(payload.get("events"), list):
        items = payload["events"]
        next_url = absolute_url(payload.get("next_rest_url"), ctx.url)
    else:
        raise FeedFormatError(f"{where}: no events list (neither tribe/events/v1 nor tec/v1)")
    events: list[SourceEvent] = []
    errors: list[SourceItemError] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            errors.append(SourceItemError(message=f"event #{number}: not an object"))
            continue
        try:
            events.append(_event(item, ctx))
        except ItemError as exc:
            title = _title(item)
            label = repr(title) if title else f"#{number}"
            errors.append(
                SourceItemError(message=f"event {label}: {exc}", external_id=exc.external_id)
            )
    return ReadResult(events=tuple(events), errors=tuple(errors), meta=FeedMeta(next_url=next_url))


def _text(value: Any) -> str:
    """WordPress gives text either plain or as ``{"rendered": ...}``."""
    if isinstance(value, dict):
        value = value.get("rendered")
    return value if isinstance(value, str) else ""


def _title(item: dict[str, Any]) -> str:
    return strip_markup(_text(item.get("title")))


def _when(value: Any, tz: ZoneInfo, *, utc: bool = False) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ItemError(f"unreadable date {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC if utc else tz)
    return parsed.astimezone(tz)


def _event(item: dict[str, Any], ctx: ReadContext) -> SourceEvent:
    raw_id = item.get("id")
    url = absolute_url(item.get("url") or item.get("link"), ctx.url)
    if isinstance(raw_id, int | str) and not isinstance(raw_id, bool) and str(raw_id).strip():
        external_id = f"tribe:{str(raw_id).strip()}"
    elif url:
        external_id = url
    else:
        raise ItemError("no id and no url")
    title = _title(item)
    if not title:
        raise ItemError("no title", external_id=external_id)
    tz_name = item.get("timezone") if isinstance(item.get("timezone"), str) else None
    tz = zone(tz_name, ctx.timezone)
    all_day = item.get("all_day") is True
    try:
        start = _when(item.get("utc_start_date") or item.get("start_date_utc"), tz, utc=True)
        start = start or _when(item.get("start_date"), tz)
        end = _when(item.get("utc_end_date") or item.get("end_date_utc"), tz, utc=True)
        end = end or _when(item.get("end_date"), tz)
    except ItemError as exc:
        raise ItemError(str(exc), external_id=external_id) from None
    if start is None:
        raise ItemError("no start_date", external_id=external_id)
    if all_day:
        local_start = _when(item.get("start_date"), tz) or start
        local_end = _when(item.get("end_date"), tz) or local_start
        start = datetime.combine(local_start.date(), time(), tz)
        end = datetime.combine(local_end.date() + timedelta(days=1), time(), tz)
    warnings: list[str] = []
    if end is not None and end <= start:
        warnings.append(f"end {item.get('end_date')!r} is not after start, ignored")
        end = None
    status = _status(item, warnings)
    description = _text(item.get("description")) or _text(item.get("content"))
    lang = ctx.lang
    return SourceEvent(
        external_id=external_id,
        title=I18nText.single(title, lang),
        description=I18nText.single(html_description(description), lang),
        description_is_html=True,
        occurrences=(
            Occurrence(start=start, end=end, all_day=all_day, timezone=tz.key, status=status),
        ),
        timezone=tz.key,
        status=status,
        url=url,
        booking_url=absolute_url(item.get("website"), ctx.url),
        image_urls=_images(item.get("image"), ctx.url),
        categories=_terms(item.get("categories")),
        keywords=_terms(item.get("tags")),
        location=_venue(item.get("venue") or item.get("venues"), lang),
        organiser=_organiser(item.get("organizer") or item.get("organizers"), lang),
        price=_price(item, lang),
        modified=_modified(item),
        warnings=tuple(warnings),
    )


def _status(item: dict[str, Any], warnings: list[str]) -> EventStatus:
    """The Events Calendar's "event status" add-on field; the WordPress post status is not it."""
    raw = item.get("event_status") or item.get("tribe_events_status")
    if not isinstance(raw, str) or not raw.strip():
        return EventStatus.SCHEDULED
    status = _STATUS.get(raw.strip().lower().replace("-", "_"))
    if status is None:
        warnings.append(f"unknown event_status {raw!r}, read as scheduled")
        return EventStatus.SCHEDULED
    return status


def _images(value: Any, base: str | None) -> tuple[str, ...]:
    raw = value.get("url") if isinstance(value, dict) else value
    link = absolute_url(raw, base)
    return (link,) if link else ()


def _terms(value: Any) -> tuple[str, ...]:
    out: list[str] = []
    for term in value if isinstance(value, list) else []:
        raw = term.get("name") if isinstance(term, dict) else term
        name = strip_markup(raw) if isinstance(raw, str) else ""
        if name and name not in out:
            out.append(name)
    return tuple(out)


def _first_object(value: Any) -> dict[str, Any] | None:
    """The plugin sends ``[]`` for "no venue", a dict for one, a list in tec/v1."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, dict)), None)
    return value if isinstance(value, dict) and value else None


def _venue(value: Any, lang: str) -> Location | None:
    venue = _first_object(value)
    if venue is None:
        return None

    def text(*keys: str) -> str | None:
        for key in keys:
            raw = venue.get(key)
            if isinstance(raw, str) and raw.strip():
                return strip_markup(raw)
        return None

    return Location(
        name=I18nText.single(text("venue", "name", "title"), lang),
        street=text("address"),
        postal_code=text("zip"),
        locality=text("city"),
        region=text("stateprovince", "state_province", "province", "state"),
        country=country_code(venue.get("country")),
        lat=_coordinate(venue.get("geo_lat"), 90),
        lon=_coordinate(venue.get("geo_lng"), 180),
        url=absolute_url(venue.get("website"), None) or absolute_url(venue.get("url"), None),
    )


def _coordinate(value: Any, limit: float) -> float | None:
    try:
        number = float(value) if isinstance(value, int | float | str) and value != "" else None
    except ValueError:
        return None
    return number if number is not None and -limit <= number <= limit else None


def _organiser(value: Any, lang: str) -> I18nText:
    organiser = _first_object(value)
    if organiser is None:
        return I18nText()
    name = organiser.get("organizer") or organiser.get("name")
    return I18nText.single(strip_markup(name) if isinstance(name, str) else None, lang)


def _price(item: dict[str, Any], lang: str) -> Price | None:
    cost = item.get("cost") if isinstance(item.get("cost"), str) else ""
    raw_details = item.get("cost_details")
    details: dict[str, Any] = raw_details if isinstance(raw_details, dict) else {}
    currency = (
        details.get("currency_code") if isinstance(details.get("currency_code"), str) else None
    )
    values = details.get("values")
    values = values if isinstance(values, list) else []
    amounts = [a for a in (parse_amount(v) for v in values) if a is not None]
    parsed = parse_price(strip_markup(cost), lang=lang, currency=currency or None)
    if not amounts:
        return parsed
    return Price(
        free=all(a == 0 for a in amounts),
        minimum=min(amounts),
        maximum=max(amounts),
        currency=currency or (parsed.currency if parsed else None),
        text=parsed.text if parsed else I18nText(),
    )


def _modified(item: dict[str, Any]) -> datetime | None:
    raw = item.get("modified_utc") or item.get("modified_gmt")
    if not isinstance(raw, str):
        return None
    try:
        parsed = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
