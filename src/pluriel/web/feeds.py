"""Open feeds: iCalendar, schema.org JSON-LD, RSS, one event's .ics, and OpenActive RPDE.

The listing feeds take the EventFilter fields as query parameters (lists
comma-separated, e.g. ``?categories=music,theatre&countries=LU``) plus
``lang`` and ``limit``; they list events in the order of the GraphQL
``events`` listing, at most :data:`MAX_LIMIT` of them. Bytes come from the
pure exporters, so an unchanged agenda keeps its ETag. Every answer is
public for a minute (private with ``Authorization``); a bad parameter is a
400 with a JSON error naming it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pluriel.exporters import to_ics, to_jsonld, to_rss
from pluriel.exporters.jsonld import event_jsonld
from pluriel.graphql.pool import Pool
from pluriel.model import AttendanceMode, EventStatus, normalise_lang
from pluriel.store import feeds as store_feeds
from pluriel.store import read
from pluriel.web import caching
from pluriel.web.exports import export_events

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "RPDE_LIMIT", "FeedParameterError", "routes"]

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
RPDE_LIMIT = 100
MAX_TEXT = 200
MAX_RADIUS_KM = 500.0
_MAX_LIST = 50
_REFRESH = timedelta(hours=1)
_NAMES = {
    "fr": "Agenda culturel — pluriel",
    "de": "Kulturkalender — pluriel",
    "lb": "Kulturkalenner — pluriel",
    "en": "Cultural agenda — pluriel",
    "nl": "Cultuuragenda — pluriel",
}

Handler = Callable[[Request], Awaitable[Response]]


class FeedParameterError(ValueError):
    """A query parameter a feed cannot use; the message names it."""


def routes(pool: Callable[[], Pool], *, now: Callable[[], datetime] | None = None) -> list[Route]:
    """The feed routes over the app's pool; ``now`` is the clock for the default window."""
    clock = now or (lambda: datetime.now().astimezone())

    def guarded(handler: Handler) -> Handler:
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request)
            except FeedParameterError as error:
                return JSONResponse(
                    {"errors": [{"message": str(error)}]},
                    400,
                    headers={"Cache-Control": "no-store"},
                )

        return endpoint

    async def listing(request: Request) -> tuple[Any, str, str]:
        params = request.query_params
        flt = feed_filter(params, now=clock())
        lang = _lang(params)
        limit = _int(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        async with pool().connection() as conn:
            bundle = await store_feeds.feed_bundle(conn, flt, limit=limit)
        return export_events(bundle), lang, str(request.url)

    async def ics(request: Request) -> Response:
        events, lang, url = await listing(request)
        body = to_ics(events, lang=lang, name=_NAMES[lang], url=url, refresh=_REFRESH)
        return _respond(request, body, "text/calendar; charset=utf-8")

    async def jsonld(request: Request) -> Response:
        events, lang, url = await listing(request)
        return _respond(request, to_jsonld(events, lang=lang, url=url), "application/ld+json")

    async def rss(request: Request) -> Response:
        events, lang, url = await listing(request)
        base = str(request.base_url).rstrip("/")
        body = to_rss(events, lang=lang, title=_NAMES[lang], url=base + "/", self_url=url)
        return _respond(request, body, "application/rss+xml; charset=utf-8")

    async def one_event(request: Request) -> Response:
        raw = request.path_params["id"]
        if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
            return JSONResponse({"errors": [{"message": f"no event {raw!r}"}]}, 404)
        lang = _lang(request.query_params)
        async with pool().connection() as conn:
            bundle = await store_feeds.event_bundle(conn, int(raw))
        if bundle is None:
            return JSONResponse({"errors": [{"message": f"no event {raw}"}]}, 404)
        events = export_events(bundle)
        name = events[0].title.get(lang) or _NAMES[lang]
        body = to_ics(events, lang=lang, name=name, url=str(request.url), refresh=_REFRESH)
        return _respond(request, body, "text/calendar; charset=utf-8")

    async def rpde(request: Request) -> Response:
        params = request.query_params
        after = _rpde_after(params)
        lang = _lang(params)
        async with pool().connection() as conn:
            rows = await store_feeds.rpde_page(conn, limit=RPDE_LIMIT, after=after)
            live = [row.id for row in rows if row.state == "updated"]
            bundle = await store_feeds.bundle_of(conn, live)
        exported = {event.id: event for event in export_events(bundle)}
        base = str(request.url.replace(query=""))
        items = [_rpde_item(row, exported, lang=lang, url=base) for row in rows]
        last = rows[-1].key if rows else after
        next_params = {"lang": params["lang"]} if "lang" in params else {}
        if last is not None:
            next_params = {
                "afterTimestamp": str(last.modified),
                "afterId": str(last.id),
                **next_params,
            }
        body = {
            "next": base + ("?" + urlencode(next_params) if next_params else ""),
            "items": items,
            "license": "https://creativecommons.org/licenses/by/4.0/",
        }
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        return _respond(request, data, "application/json")

    return [
        Route("/feeds/events.ics", guarded(ics), methods=["GET"]),
        Route("/feeds/events.jsonld", guarded(jsonld), methods=["GET"]),
        Route("/feeds/events.rss", guarded(rss), methods=["GET"]),
        Route("/feeds/rpde/events", guarded(rpde), methods=["GET"]),
        Route("/events/{id}.ics", guarded(one_event), methods=["GET"]),
    ]


def _respond(request: Request, body: bytes, media_type: str) -> Response:
    return caching.respond(
        request.headers,
        body,
        media_type=media_type,
        authenticated="authorization" in request.headers,
    )


def _rpde_item(
    row: store_feeds.RpdeRow, exported: dict[str, Any], *, lang: str, url: str
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "state": row.state,
        "kind": "Event",
        "id": str(row.id),
        "modified": row.modified,
    }
    event = exported.get(str(row.id))
    if row.state == "updated" and event is not None:
        occurrences = event.occurrences
        if occurrences:
            data = event_jsonld(event, occurrences[0], lang=lang, feed_url=url)
        else:
            data = {"@type": "Event", "name": event.title.get(lang)}
        item["data"] = {"@context": "https://schema.org", "identifier": str(row.id), **data}
    else:
        item["state"] = "deleted"
    return item


def _rpde_after(params: QueryParams) -> store_feeds.RpdeKey | None:
    timestamp, after_id = params.get("afterTimestamp"), params.get("afterId")
    if timestamp is None and after_id is None:
        return None
    if timestamp is None or after_id is None:
        raise FeedParameterError("`afterTimestamp` and `afterId` go together")
    return store_feeds.RpdeKey(
        _int(params, "afterTimestamp", 0, 0, 2**63 - 1), _int(params, "afterId", 0, 0, 2**63 - 1)
    )


def _lang(params: QueryParams) -> str:
    raw = params.get("lang")
    if raw is None:
        return "fr"
    lang = normalise_lang(raw).split("-")[0]
    if lang not in _NAMES:
        raise FeedParameterError(f"`lang` must be one of {', '.join(_NAMES)}, not {raw!r}")
    return lang


def _int(params: QueryParams, name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise FeedParameterError(f"`{name}` must be a whole number from {low} to {high}")
    return int(raw)


def _list(params: QueryParams, name: str) -> tuple[str, ...]:
    values = [v.strip() for raw in params.getlist(name) for v in raw.split(",") if v.strip()]
    if len(values) > _MAX_LIST:
        raise FeedParameterError(f"`{name}` takes at most {_MAX_LIST} values")
    return tuple(values)


def _ids(params: QueryParams, name: str) -> tuple[int, ...]:
    values = _list(params, name)
    for value in values:
        if not value.isascii() or not value.isdigit() or len(value) > 18:
            raise FeedParameterError(f"`{name}`: {value!r} is not an id")
    return tuple(int(v) for v in values)


def _instant(params: QueryParams, name: str) -> datetime | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = datetime.fromisoformat(raw.replace(" ", "+"))
    except ValueError:
        raise FeedParameterError(
            f"`{name}` must be an ISO 8601 instant such as 2026-10-03T20:00:00+02:00"
        ) from None
    if value.utcoffset() is None:
        raise FeedParameterError(f"`{name}` needs a UTC offset, e.g. 2026-10-03T20:00:00+02:00")
    return value


def _float(params: QueryParams, name: str) -> float:
    try:
        value = float(params[name])
    except (KeyError, ValueError):
        raise FeedParameterError(f"`{name}` must be a number") from None
    if not math.isfinite(value):
        raise FeedParameterError(f"`{name}` must be a number")
    return value


def _enums(params: QueryParams, name: str, kind: Any) -> tuple[str, ...]:
    values = []
    for raw in _list(params, name):
        try:
            values.append(kind(raw.lower()).value)
        except ValueError:
            choices = ", ".join(member.name for member in kind)
            raise FeedParameterError(f"`{name}`: {raw!r} is not one of {choices}") from None
    return tuple(values)


def feed_filter(params: QueryParams, *, now: datetime) -> read.ReadFilter:
    """The EventFilter of GraphQL, read from query parameters; ``from`` defaults to ``now``."""
    start = _instant(params, "from") or now
    end = _instant(params, "to")
    if end is not None and end <= start:
        raise FeedParameterError("`to` must be later than `from` (which defaults to now)")
    text = params.get("text")
    if text is not None and len(text) > MAX_TEXT:
        raise FeedParameterError(f"`text` is limited to {MAX_TEXT} characters")
    countries = tuple(c.upper() for c in _list(params, "countries"))
    for country in countries:
        if len(country) != 2 or not country.isascii() or not country.isalpha():
            raise FeedParameterError(f"`countries`: {country!r} is not an ISO 3166-1 code")
    near = None
    if any(name in params for name in ("lat", "lon", "radiusKm")):
        lat, lon, radius = _float(params, "lat"), _float(params, "lon"), _float(params, "radiusKm")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 < radius <= MAX_RADIUS_KM):
            raise FeedParameterError(
                f"`lat`/`lon` must be a point on Earth and `radiusKm` above 0, at most"
                f" {MAX_RADIUS_KM:g}"
            )
        near = read.Near(lat, lon, radius)
    free = params.get("free")
    if free not in (None, "", "true", "false"):
        raise FeedParameterError("`free` must be true or false")
    return read.ReadFilter(
        window=read.Window(start, end),
        text=text or None,
        countries=countries,
        categories=_list(params, "categories"),
        localities=_list(params, "localities"),
        place_ids=_ids(params, "placeIds"),
        institution_ids=_ids(params, "institutionIds"),
        languages=tuple(normalise_lang(lang) for lang in _list(params, "languages")),
        accessibility=_list(params, "accessibility"),
        attendance_modes=_enums(params, "attendanceModes", AttendanceMode),
        statuses=_enums(params, "statuses", EventStatus),
        free=None if not free else free == "true",
        near=near,
    )
