"""ActivityStreams 2 outboxes of Mobilizon and Gancio: ``Event`` objects, created, updated, deleted.

A page is an ``OrderedCollection`` (its ``first`` page may be embedded or a
link), an ``OrderedCollectionPage`` (``orderedItems`` and ``next``), or a
single object. ``Create``/``Update``/``Announce`` activities wrap ``Event``
objects; ``Delete`` and ``Tombstone`` become deletions keyed on the object id.
Other objects (notes, comments, groups) are not events and are passed over
silently: an outbox holds them too. Items given only by reference (a URL, or
a ``Create`` whose object is a URL) go to ``meta.follow`` when they are on the
same site: each is one object the reader reads on its own.

Text: ``nameMap``/``contentMap`` when present (language maps), else
``name``/``content`` in the ``@context``'s ``@language`` or the source's.
Status comes from whichever field the server uses: ``ical:status``
(CONFIRMED, TENTATIVE, CANCELLED), ``status``, ``mz:status`` or a
schema.org ``eventStatus``. ``joinMode``, ``anonymousParticipationEnabled``
and other participation settings are not agenda data and are ignored.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pluriel.errors import FeedFormatError, ItemError
from pluriel.model import (
    UNDETERMINED,
    AttendanceMode,
    EventStatus,
    FeedMeta,
    I18nText,
    Location,
    Occurrence,
    ReadResult,
    SourceEvent,
    SourceItemError,
    normalise_lang,
)
from pluriel.readers.common import (
    ReadContext,
    absolute_url,
    country_code,
    decode_text,
    html_description,
    parse_when,
    same_site,
    strip_markup,
    zone,
)
from pluriel.readers.schemaorg import read_status, texts

__all__ = ["read_activitystreams"]

_WRAPPERS = {"Create", "Update", "Announce", "Add"}
_STATUS_FIELDS = ("ical:status", "status", "mz:status", "eventStatus")
_ICAL_STATUS = {
    "confirmed": EventStatus.SCHEDULED,
    "tentative": EventStatus.SCHEDULED,
    "cancelled": EventStatus.CANCELLED,
    "canceled": EventStatus.CANCELLED,
}


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("type") or node.get("@type")
    return {t for t in (raw if isinstance(raw, list) else [raw]) if isinstance(t, str)}


def _context_lang(payload: dict[str, Any]) -> str | None:
    context = payload.get("@context")
    for part in context if isinstance(context, list) else [context]:
        if isinstance(part, dict) and isinstance(part.get("@language"), str):
            code = normalise_lang(part["@language"])
            return None if code == UNDETERMINED else code
    return None


def read_activitystreams(data: bytes, ctx: ReadContext) -> ReadResult:
    """One outbox page (or a single object) as events and deletions."""
    where = ctx.url or "document"
    try:
        payload = json.loads(decode_text(data))
    except ValueError as exc:
        raise FeedFormatError(f"{where}: not JSON: {exc}") from None
    if not isinstance(payload, dict) or not _types(payload):
        raise FeedFormatError(f"{where}: not an ActivityStreams object (no type)")
    lang = _context_lang(payload) or ctx.lang
    types = _types(payload)
    page = payload
    next_url: str | None = None
    if types & {"OrderedCollection", "Collection"}:
        first = payload.get("first")
        if isinstance(first, dict):
            page = first
        else:
            next_url = absolute_url(first, ctx.url)
            page = payload if "orderedItems" in payload or "items" in payload else {}
    if page is not payload or types & {"OrderedCollectionPage", "CollectionPage"}:
        next_url = next_url or absolute_url(_ref(page.get("next")), ctx.url)
    if types & {"OrderedCollection", "Collection", "OrderedCollectionPage", "CollectionPage"}:
        items = page.get("orderedItems") or page.get("items") or []
        items = items if isinstance(items, list) else [items]
    else:
        items = [payload]
    events: list[SourceEvent] = []
    errors: list[SourceItemError] = []
    follow: list[str] = []
    for number, item in enumerate(items, start=1):
        link = _linked_object(item, ctx.url)
        if link is not None:
            if same_site(link, ctx.url) and link not in follow:
                follow.append(link)
            continue
        try:
            event = _item(item, lang, ctx)
        except ItemError as exc:
            label = _label(item) or f"#{number}"
            errors.append(
                SourceItemError(message=f"item {label}: {exc}", external_id=exc.external_id)
            )
            continue
        if event is not None:
            events.append(event)
    meta = FeedMeta(next_url=next_url, follow=tuple(follow))
    return ReadResult(events=tuple(events), errors=tuple(errors), meta=meta)


def _linked_object(item: Any, base: str | None) -> str | None:
    """The URL of an item given by reference (``"https://…"`` or ``Create`` of a URL)."""
    if isinstance(item, str):
        return absolute_url(item, base) or ""
    if isinstance(item, dict) and _types(item) & _WRAPPERS and isinstance(item.get("object"), str):
        return absolute_url(item["object"], base) or ""
    return None


def _ref(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id") or value.get("href")
    return value if isinstance(value, str) else None


def _label(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    target = item.get("object") if isinstance(item.get("object"), dict) else item
    name = target.get("name") if isinstance(target, dict) else None
    return repr(name) if isinstance(name, str) else _ref(target)


def _item(item: Any, lang: str, ctx: ReadContext) -> SourceEvent | None:
    if not isinstance(item, dict):
        raise ItemError("not an object")
    types = _types(item)
    if "Delete" in types:
        target = _ref(item.get("object"))
        if not target:
            raise ItemError("Delete without an object id")
        return SourceEvent(external_id=target, title=I18nText(), deleted=True)
    if "Tombstone" in types:
        target = _ref(item)
        if not target:
            raise ItemError("Tombstone without an id")
        return SourceEvent(external_id=target, title=I18nText(), deleted=True)
    if types & _WRAPPERS:
        target = item.get("object")
        if not isinstance(target, dict):
            return None
        if "Tombstone" in _types(target):
            return _item(target, lang, ctx)
        item, types = target, _types(target)
    if "Event" not in types:
        return None
    return _event(item, lang, ctx)


def _event(obj: dict[str, Any], lang: str, ctx: ReadContext) -> SourceEvent:
    external_id = _ref(obj) or _url(obj.get("url"), ctx.url)
    if not external_id:
        raise ItemError("Event without an id or url")
    title = texts(obj.get("nameMap"), lang) if obj.get("nameMap") else texts(obj.get("name"), lang)
    if not title:
        raise ItemError("Event without a name", external_id=external_id)
    description = (
        texts(obj.get("contentMap"), lang, html_description)
        if obj.get("contentMap")
        else texts(obj.get("content"), lang, html_description)
    )
    tz_name = obj.get("timezone") if isinstance(obj.get("timezone"), str) else None
    tz = zone(tz_name, ctx.timezone)
    try:
        start, all_day = parse_when(obj.get("startTime"), tz)
        end = parse_when(obj.get("endTime"), tz)[0] if obj.get("endTime") else None
    except ValueError as exc:
        raise ItemError(f"startTime/endTime: {exc}", external_id=external_id) from None
    warnings: list[str] = []
    if end is not None and end <= start:
        warnings.append(f"endTime {obj.get('endTime')!r} is not after startTime, ignored")
        end = None
    status, tentative = _status(obj, warnings)
    place, online = _location(obj.get("location"), lang, ctx)
    mode = None
    if online:
        mode = AttendanceMode.MIXED if place else AttendanceMode.ONLINE
    return SourceEvent(
        external_id=external_id,
        title=title,
        description=description,
        description_is_html=True,
        occurrences=(
            Occurrence(
                start=start.astimezone(tz),
                end=end.astimezone(tz) if end else None,
                all_day=all_day,
                timezone=tz.key,
                status=status,
            ),
        ),
        timezone=tz.key,
        status=status,
        tentative=tentative,
        attendance_mode=mode,
        url=_url(obj.get("url"), ctx.url),
        online_url=online,
        image_urls=_images(obj, ctx.url),
        categories=_category(obj.get("category")),
        keywords=_hashtags(obj.get("tag")),
        location=place,
        modified=_modified(obj.get("updated")),
        warnings=tuple(warnings),
    )


def _url(value: Any, base: str | None) -> str | None:
    """``url`` as a string, a ``Link`` object or a list of them; the first HTML one wins."""
    candidates = value if isinstance(value, list) else [value]
    for candidate in candidates:
        if isinstance(candidate, dict):
            media = candidate.get("mediaType")
            if isinstance(media, str) and media != "text/html":
                continue
            candidate = candidate.get("href")
        link = absolute_url(candidate, base)
        if link:
            return link
    return None


def _status(obj: dict[str, Any], warnings: list[str]) -> tuple[EventStatus, bool]:
    for key in _STATUS_FIELDS:
        raw = obj.get(key)
        if not isinstance(raw, str) or not raw.strip():
            continue
        word = raw.strip().lower()
        if word in _ICAL_STATUS:
            return _ICAL_STATUS[word], word == "tentative"
        return read_status(raw, warnings), False
    return EventStatus.SCHEDULED, False


def _location(value: Any, lang: str, ctx: ReadContext) -> tuple[Location | None, str | None]:
    place: Location | None = None
    online: str | None = None
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and item.strip():
            link = absolute_url(item, None)
            if link:
                online = online or link
            else:
                place = place or Location(raw=strip_markup(item))
        elif isinstance(item, dict):
            if "VirtualLocation" in _types(item):
                online = online or _url(item.get("url"), ctx.url)
            elif place is None:
                place = _place(item, lang)
    return place, online


def _place(item: dict[str, Any], lang: str) -> Location:
    address = item.get("address")
    raw = strip_markup(address) if isinstance(address, str) else None
    fields = address if isinstance(address, dict) else {}

    def part(key: str) -> str | None:
        value = fields.get(key)
        return strip_markup(value) or None if isinstance(value, str) else None

    name = (
        texts(item.get("nameMap"), lang) if item.get("nameMap") else texts(item.get("name"), lang)
    )
    return Location(
        name=name,
        street=part("streetAddress"),
        postal_code=part("postalCode"),
        locality=part("addressLocality"),
        region=part("addressRegion"),
        country=country_code(fields.get("addressCountry")),
        lat=_number(item.get("latitude"), 90),
        lon=_number(item.get("longitude"), 180),
        url=_url(item.get("url"), None),
        raw=raw or None,
    )


def _number(value: Any, limit: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if -limit <= number <= limit else None


def _images(obj: dict[str, Any], base: str | None) -> tuple[str, ...]:
    out: list[str] = []
    candidates: list[Any] = []
    for key in ("attachment", "image"):
        value = obj.get(key)
        candidates.extend(value if isinstance(value, list) else [value])
    for item in candidates:
        if isinstance(item, str):
            link = absolute_url(item, base)
        elif isinstance(item, dict):
            media = item.get("mediaType")
            is_image = "Image" in _types(item) or (
                isinstance(media, str) and media.startswith("image/")
            )
            link = _url(item.get("url"), base) if is_image else None
        else:
            link = None
        if link and link not in out:
            out.append(link)
    return tuple(out)


def _hashtags(value: Any) -> tuple[str, ...]:
    out: list[str] = []
    for tag in value if isinstance(value, list) else [value]:
        if isinstance(tag, dict) and "Hashtag" in _types(tag) and isinstance(tag.get("name"), str):
            word = strip_markup(tag["name"]).lstrip("#")
            if word and word not in out:
                out.append(word)
    return tuple(out)


def _category(value: Any) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    return tuple(strip_markup(v) for v in values if isinstance(v, str) and strip_markup(v))


def _modified(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
