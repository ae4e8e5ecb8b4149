"""``/embed/agenda``: the agenda as server-rendered HTML, for iframes and search engines.

It takes the widget's attributes as query parameters (plus the filters a
visitor would set: ``q``, ``from``, ``to``, ``free``) and reads through the
same store functions as the API, one statement per kind of row. Each date
is also described as a schema.org ``Event`` in JSON-LD, so a page that
frames the agenda, or a crawler that follows the link, sees structured data
without running any JavaScript.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_time
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from pluriel.graphql.pool import Pool
from pluriel.model import LANGUAGES, I18nText, normalise_lang
from pluriel.store import read
from pluriel.web.widget.assets import strings

__all__ = ["EmbedQuery", "InvalidQuery", "embed_handler", "parse_query", "templates"]

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_STATUS = {
    "scheduled": "https://schema.org/EventScheduled",
    "cancelled": "https://schema.org/EventCancelled",
    "postponed": "https://schema.org/EventPostponed",
    "rescheduled": "https://schema.org/EventRescheduled",
    "moved_online": "https://schema.org/EventMovedOnline",
}
_MODE = {
    "offline": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "mixed": "https://schema.org/MixedEventAttendanceMode",
}
_BABEL_LOCALE = {"en": "en_GB"}

templates = Environment(
    loader=PackageLoader("pluriel.web.widget", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


class InvalidQuery(ValueError):
    """A query parameter that cannot be understood; the message names it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EmbedQuery:
    lang: str
    theme: str
    limit: int
    filter: read.ReadFilter
    after: read.OccurrenceKey | None = None
    #: The parameters as given, to build the "more" link from.
    params: Mapping[str, str] = field(default_factory=dict)


def _words(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    parts = value.split(",") if "," in value else value.split()
    return tuple(part.strip() for part in parts if part.strip())


def _ids(name: str, value: str | None) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in _words(value))
    except ValueError:
        raise InvalidQuery(f"{name}: expected numeric ids, got {value!r}") from None


def _day(name: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidQuery(f"{name}: expected a date YYYY-MM-DD, got {value!r}") from None


def _near(value: str | None) -> read.Near | None:
    if not value:
        return None
    try:
        lat, lon, radius = (float(part) for part in re.split(r"[\s,]+", value.strip()))
    except ValueError:
        raise InvalidQuery(f"near: expected 'lat,lon,radiusKm', got {value!r}") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 < radius <= 500):
        raise InvalidQuery(f"near: out of range: {value!r}")
    return read.Near(lat, lon, radius)


def _after(value: str | None) -> read.OccurrenceKey | None:
    if not value:
        return None
    start, _, ident = value.rpartition("_")
    try:
        instant = datetime.fromisoformat(start)
        key = read.OccurrenceKey(instant, int(ident))
    except ValueError:
        raise InvalidQuery(f"after: not a cursor from this page: {value!r}") from None
    if instant.tzinfo is None:
        raise InvalidQuery(f"after: not a cursor from this page: {value!r}")
    return key


def parse_query(params: Mapping[str, str], *, now: datetime) -> EmbedQuery:
    """The page's options; dates are whole days in Luxembourg time, the region's clock."""
    lang = normalise_lang(params.get("lang") or "fr")
    if lang not in LANGUAGES:
        lang = "en"
    theme = params.get("theme", "light")
    if theme not in ("light", "dark", "auto"):
        raise InvalidQuery(f"theme: expected light, dark or auto, got {theme!r}")
    try:
        limit = int(params.get("limit") or DEFAULT_LIMIT)
    except ValueError:
        raise InvalidQuery(f"limit: expected a number, got {params['limit']!r}") from None
    limit = max(1, min(MAX_LIMIT, limit))
    region = ZoneInfo("Europe/Luxembourg")
    first_day = _day("from", params.get("from"))
    last_day = _day("to", params.get("to"))
    start = _midnight(first_day, region) if first_day else now
    end = _midnight(last_day + timedelta(days=1), region) if last_day else None
    free = params.get("free")
    flt = read.ReadFilter(
        window=read.Window(start, end),
        text=(params.get("q") or "").strip() or None,
        categories=_words(params.get("categories")),
        countries=tuple(c.upper() for c in _words(params.get("countries"))),
        localities=_words(params.get("localities")),
        institution_ids=_ids("institution", params.get("institution")),
        place_ids=_ids("place", params.get("place")),
        near=_near(params.get("near")),
        free=True if free in ("1", "true", "on") else None,
    )
    return EmbedQuery(
        lang=lang,
        theme=theme,
        limit=limit,
        filter=flt,
        after=_after(params.get("after")),
        params=dict(params),
    )


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


@dataclass(frozen=True, slots=True, kw_only=True)
class _Item:
    occurrence: read.OccurrenceRow
    event: read.EventRow
    title: str
    description: str | None
    place: read.PlaceRow | None
    institution: read.InstitutionRow | None

    @property
    def local_start(self) -> datetime:
        return self.occurrence.starts_at.astimezone(_zone(self.occurrence.timezone))

    @property
    def local_end(self) -> datetime | None:
        end = self.occurrence.ends_at
        return None if end is None else end.astimezone(_zone(self.occurrence.timezone))


async def _items(pool: Pool, query: EmbedQuery) -> tuple[list[_Item], bool]:
    async with pool.connection() as conn:
        page = await read.occurrences_page(conn, query.filter, first=query.limit, after=query.after)
        event_ids = sorted({row.event_id for row in page.rows})
        events = await read.events_by_ids(conn, event_ids)
        texts = await read.texts_for_events(conn, event_ids)
        place_ids = sorted({e.place_id for e in events.values() if e.place_id is not None})
        places = await read.places_by_ids(conn, place_ids)
        institutions = await read.institutions_by_ids(
            conn, sorted({e.institution_id for e in events.values()})
        )
    items = []
    for row in page.rows:
        event = events.get(row.event_id)
        if event is None:
            continue
        rows = texts.get(event.id, [])
        items.append(
            _Item(
                occurrence=row,
                event=event,
                title=I18nText.of((t.lang, t.title) for t in rows).get(query.lang) or "",
                description=I18nText.of((t.lang, t.description or "") for t in rows).get(
                    query.lang
                ),
                place=places.get(event.place_id) if event.place_id is not None else None,
                institution=institutions.get(event.institution_id),
            )
        )
    return items, page.has_next


def _http_url(url: str | None) -> str | None:
    """Only web links become links: never a ``javascript:`` or ``data:`` one."""
    return url if url and url.lower().startswith(("https://", "http://")) else None


def _plain(html: str | None) -> str | None:
    if not html:
        return None
    text = _SPACE.sub(" ", _TAG.sub(" ", html)).strip()
    return text or None


def _json_ld(item: _Item, lang: str) -> dict[str, Any]:
    event = item.event
    node: dict[str, Any] = {
        "@type": "Event",
        "@id": f"#occurrence-{item.occurrence.id}",
        "name": item.title,
        "startDate": _iso(item.local_start, item.occurrence.all_day),
        "eventStatus": _STATUS.get(item.occurrence.status, _STATUS["scheduled"]),
        "eventAttendanceMode": _MODE.get(event.attendance_mode, _MODE["offline"]),
        "inLanguage": lang,
    }
    end = item.local_end
    if end is not None:
        node["endDate"] = _iso(end, item.occurrence.all_day)
    description = _plain(item.description)
    if description:
        node["description"] = description
    url = _http_url(event.url)
    if url:
        node["url"] = url
    image = _http_url(event.image_url)
    if image:
        node["image"] = [image]
    locations: list[dict[str, Any]] = []
    if item.place is not None:
        place = item.place
        address = {
            "@type": "PostalAddress",
            "streetAddress": place.street,
            "postalCode": place.postal_code,
            "addressLocality": place.locality,
            "addressCountry": place.country,
        }
        location: dict[str, Any] = {
            "@type": "Place",
            "name": I18nText.of(place.name).get(lang) or "",
            "address": {key: value for key, value in address.items() if value},
        }
        if place.lat is not None and place.lon is not None:
            location["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": place.lat,
                "longitude": place.lon,
            }
        locations.append(location)
    online = _http_url(event.online_url)
    if online:
        locations.append({"@type": "VirtualLocation", "url": online})
    if locations:
        node["location"] = locations[0] if len(locations) == 1 else locations
    if item.institution is not None:
        organizer: dict[str, Any] = {"@type": "Organization", "name": item.institution.name}
        if item.institution.website:
            organizer["url"] = item.institution.website
        node["organizer"] = organizer
    return node


def _iso(moment: datetime, all_day: bool) -> str:
    return moment.date().isoformat() if all_day else moment.isoformat()


def _script_json(value: Any) -> Markup:
    """JSON safe inside <script>: no "</script>", no "<!--"."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    safe = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(safe)  # noqa: S704 -- every <, > and & is escaped on the line above


@dataclass(frozen=True, slots=True)
class _Day:
    title: str
    iso: str
    rows: list[dict[str, Any]]


def _days(items: Sequence[_Item], lang: str, words: Mapping[str, str]) -> list[_Day]:
    locale = _BABEL_LOCALE.get(lang, lang)
    days: dict[date, _Day] = {}
    for item in items:
        start = item.local_start
        day = days.setdefault(
            start.date(),
            _Day(format_date(start.date(), "full", locale=locale), start.date().isoformat(), []),
        )
        if item.occurrence.all_day:
            time = words["allDay"]
        else:
            time = format_time(start, "HH:mm", locale=locale)
            end = item.local_end
            if end is not None and end.date() == start.date():
                time += "–" + format_time(end, "HH:mm", locale=locale)
        place = item.place
        status = item.occurrence.status.upper()
        day.rows.append(
            {
                "id": item.occurrence.id,
                "event_id": item.event.id,
                "title": item.title,
                "url": _http_url(item.event.url),
                "time": time,
                "datetime": item.occurrence.starts_at.isoformat(),
                "status": words.get(status) if status != "SCHEDULED" else None,
                "place": ", ".join(
                    part
                    for part in (
                        I18nText.of(place.name).get(lang) if place else None,
                        place.locality if place else None,
                    )
                    if part
                ),
            }
        )
    return list(days.values())


def embed_handler(pool: Callable[[], Pool]) -> Callable[[Request], Any]:
    async def embed_agenda(request: Request) -> Response:
        try:
            query = parse_query(request.query_params, now=datetime.now(UTC))
        except InvalidQuery as error:
            return PlainTextResponse(f"invalid query: {error}", 400)
        items, has_next = await _items(pool(), query)
        words = strings().get(query.lang, strings()["en"])
        more = None
        if has_next and items:
            last = items[-1].occurrence
            params = {**query.params, "after": f"{last.starts_at.isoformat()}_{last.id}"}
            more = "?" + urlencode(params)
        graph = {
            "@context": "https://schema.org",
            "@graph": [_json_ld(i, query.lang) for i in items],
        }
        html = templates.get_template("embed.html").render(
            lang=query.lang,
            theme=query.theme,
            words=words,
            days=_days(items, query.lang, words),
            more=more,
            json_ld=_script_json(graph),
        )
        return HTMLResponse(
            html,
            headers={
                "Cache-Control": "public, max-age=300",
                "Content-Language": query.lang,
                # Framed by any site; it loads nothing but itself.
                "Content-Security-Policy": (
                    "default-src 'none'; style-src 'unsafe-inline';"
                    " frame-ancestors *; base-uri 'none'"
                ),
                "Referrer-Policy": "strict-origin-when-cross-origin",
            },
        )

    return embed_agenda
