"""The demo's JSON and XML feeds: JSON-LD, The Events Calendar, RSS, RPDE, ActivityStreams.

Each function takes the events one source announces and returns documents
keyed by path (a path may carry a query, as paged APIs do). The shapes
follow what the real platforms emit, including their habits: WordPress
HTML-escapes titles, RPDE's last page points to itself, Mobilizon writes
``nameMap`` next to ``name``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import escape

from pluriel.demo.catalog import DemoInstitution, DemoPlace, DemoSource
from pluriel.demo.programme import DemoEvent

__all__ = [
    "Page",
    "activitystreams_outbox",
    "dump_json",
    "event_node",
    "performer_type",
    "rpde_pages",
    "rss_feed",
    "tec_pages",
    "tribe_pages",
]

Page = tuple[str, bytes, tuple[tuple[str, str], ...]]  # path, body, extra headers

_STATUS = {
    "scheduled": "https://schema.org/EventScheduled",
    "cancelled": "https://schema.org/EventCancelled",
    "postponed": "https://schema.org/EventPostponed",
    "rescheduled": "https://schema.org/EventRescheduled",
}


def dump_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def _place_node(place: DemoPlace, name: str) -> dict[str, Any]:
    return {
        "@type": "Place",
        "name": name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": place.street,
            "postalCode": place.postal_code,
            "addressLocality": place.locality,
            "addressCountry": place.country,
        },
        "geo": {"@type": "GeoCoordinates", "latitude": place.lat, "longitude": place.lon},
    }


def _lang_values(texts: dict[str, str]) -> Any:
    if len(texts) == 1:
        return next(iter(texts.values()))
    return [{"@value": text, "@language": lang} for lang, text in texts.items()]


def event_node(event: DemoEvent, *, url: str, base_url: str, kind: str = "Event") -> dict[str, Any]:
    """A schema.org Event as JSON-LD (without ``@context``, so it can sit in a graph)."""
    node: dict[str, Any] = {
        "@type": kind,
        "@id": event.external_id,
        "name": _lang_values(event.title),
        "description": _lang_values(event.description),
        "url": url,
        "startDate": event.start.date().isoformat() if event.all_day else _iso(event.start),
        "eventStatus": _STATUS[event.status],
        "keywords": event.category,
    }
    end = event.end
    if event.all_day and event.last_day is not None:
        node["endDate"] = event.last_day.isoformat()
    elif end is not None and not event.all_day:
        node["endDate"] = _iso(end)
    if event.previous_start is not None:
        node["previousStartDate"] = _iso(event.previous_start)
    place = _place_node(event.place, event.place_label)
    if event.online_url:
        node["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
        node["location"] = {"@type": "VirtualLocation", "url": event.online_url}
    else:
        node["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
        node["location"] = place
    if event.performers:
        node["performer"] = [{"@type": performer_type(p), "name": p} for p in event.performers]
    if event.free:
        node["isAccessibleForFree"] = True
    offers: list[dict[str, Any]] = []
    for amount in event.prices:
        offer: dict[str, Any] = {
            "@type": "Offer",
            "price": str(amount),
            "priceCurrency": "EUR",
            "availability": "https://schema.org/SoldOut"
            if event.sold_out
            else "https://schema.org/InStock",
        }
        if event.booking_url:
            offer["url"] = event.booking_url
        offers.append(offer)
    if offers:
        node["offers"] = offers
    if event.image:
        node["image"] = base_url + event.image
    return node


_GROUP_WORDS = frozenset({"trio", "quartet", "quatuor", "band", "ensemble", "orchestra", "the"})


def performer_type(name: str) -> str:
    """schema.org's type for a performer: ensembles are groups, everyone else a person."""
    words = {word.lower() for word in name.split()}
    return "PerformingGroup" if words & _GROUP_WORDS else "Person"


def tribe_pages(
    source: DemoSource, events: Sequence[DemoEvent], *, base_url: str, per_page: int
) -> list[Page]:
    """The legacy ``tribe/events/v1`` endpoint, paged through ``next_rest_url``."""
    endpoint = base_url + source.path
    chunks = [events[i : i + per_page] for i in range(0, len(events), per_page)]
    pages: list[Page] = []
    for number, chunk in enumerate(chunks, start=1):
        path = source.path if number == 1 else f"{source.path}?page={number}"
        body: dict[str, Any] = {
            "events": [_tribe_event(e, source=source, base_url=base_url) for e in chunk],
            "rest_url": base_url + path,
            "total": len(events),
            "total_pages": len(chunks),
        }
        if number < len(chunks):
            body["next_rest_url"] = f"{endpoint}?page={number + 1}"
        if number > 1:
            body["previous_rest_url"] = endpoint if number == 2 else f"{endpoint}?page={number - 1}"
        pages.append((path, dump_json(body), ()))
    return pages


def tec_pages(
    source: DemoSource, events: Sequence[DemoEvent], *, base_url: str, per_page: int
) -> list[Page]:
    """The newer ``tec/v1`` endpoint: a bare array per page, paged with an RFC 8288 Link header."""
    endpoint = base_url + source.path
    chunks = [events[i : i + per_page] for i in range(0, len(events), per_page)]
    pages: list[Page] = []
    for number, chunk in enumerate(chunks, start=1):
        path = source.path if number == 1 else f"{source.path}?page={number}"
        links: list[str] = []
        if number < len(chunks):
            links.append(f'<{endpoint}?page={number + 1}>; rel="next"')
        if number > 1:
            links.append(f'<{endpoint}?page={number - 1}>; rel="prev"')
        headers = [("X-WP-Total", str(len(events))), ("X-WP-TotalPages", str(len(chunks)))]
        if links:
            headers.append(("Link", ", ".join(links)))
        items = [_tribe_event(e, source=source, base_url=base_url) for e in chunk]
        pages.append((path, dump_json(items), tuple(headers)))
    return pages


def _tribe_event(event: DemoEvent, *, source: DemoSource, base_url: str) -> dict[str, Any]:
    number = int(event.external_id.removeprefix("tribe:"))
    site = base_url + source.path.split("/wp-json/")[0]
    title = next(iter(event.title.values()))
    end = event.end or event.start
    if event.all_day:  # WordPress writes the last day's last second, not an exclusive end
        end = datetime.combine(event.last_day or event.start.date(), time(23, 59, 59), end.tzinfo)
    local_fmt = "%Y-%m-%d %H:%M:%S"
    place = event.place
    item: dict[str, Any] = {
        "id": number,
        "global_id": f"{site.split('://', 1)[-1]}?id={number}",
        "title": title,
        "description": next(iter(event.description.values())),
        "url": f"{site}/event/{event.slug}/",
        "all_day": event.all_day,
        "start_date": event.start.strftime(local_fmt),
        "end_date": end.strftime(local_fmt),
        "utc_start_date": event.start.astimezone(UTC).strftime(local_fmt),
        "utc_end_date": end.astimezone(UTC).strftime(local_fmt),
        "timezone": source.timezone,
        "cost": "Gratis" if event.free and source.lang == "lb" else event.price_text or "",
        "cost_details": {
            "currency_symbol": "€",
            "currency_code": "EUR",
            "currency_position": "postfix",
            "values": [str(p) for p in event.prices],
        },
        "categories": [{"name": event.category, "slug": event.category.lower()}],
        "tags": [],
        "venue": {
            "id": 9000 + number,
            "venue": event.place_label,
            "address": place.street,
            "city": place.locality,
            "zip": place.postal_code,
            "country": {"LU": "Luxembourg", "BE": "Belgique"}.get(place.country, place.country),
            "geo_lat": place.lat,
            "geo_lng": place.lon,
        },
        "organizer": [{"id": 1, "organizer": source.institution_slug}],
    }
    if event.sold_out:
        item["tags"] = [{"name": "Ausverkaaft", "slug": "ausverkaaft"}]
    if event.image:
        item["image"] = {"url": base_url + event.image}
    if event.booking_url:
        item["website"] = event.booking_url
    return item


def rss_feed(
    source: DemoSource,
    institution: DemoInstitution,
    events: Sequence[DemoEvent],
    *,
    base_url: str,
    detail_path: str,
    stamp: datetime,
) -> bytes:
    """An RSS 2.0 news feed: items say when they were *posted*, their links lead to the events."""
    items = []
    for number, event in enumerate(events):
        link = f"{base_url}{detail_path}{event.slug}.html"
        posted = format_datetime(stamp.astimezone(UTC) - timedelta(hours=number), usegmt=True)
        title = escape(next(iter(event.title.values())))
        summary = escape(next(iter(event.description.values())))
        items.append(
            "    <item>\n"
            f"      <title>{title}</title>\n"
            f"      <link>{link}</link>\n"
            f'      <guid isPermaLink="true">{link}</guid>\n'
            f"      <description>{summary}</description>\n"
            f"      <category>{escape(event.category)}</category>\n"
            f"      <pubDate>{posted}</pubDate>\n"
            "    </item>\n"
        )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">\n'
        "  <channel>\n"
        f"    <title>{escape(institution.name)}: what's on</title>\n"
        f"    <link>{institution.website}</link>\n"
        "    <description>Concerts, exhibitions and shows across the Greater Region"
        "</description>\n"
        f"    <language>{source.lang}</language>\n"
        f'    <atom:link href="{base_url}{source.path}" rel="self" '
        'type="application/rss+xml"/>\n'
        "    <ttl>360</ttl>\n" + "".join(items) + "  </channel>\n</rss>\n"
    )
    return xml.encode("utf-8")


def rpde_pages(
    source: DemoSource,
    events: Sequence[DemoEvent],
    *,
    base_url: str,
    per_page: int,
    deleted_id: str,
) -> list[Page]:
    """OpenActive RPDE ``afterChangeNumber`` pages: updates, one deletion, then the end.

    The last page has no items and its ``next`` is its own URL, which is how
    RPDE says "you are up to date; come back here next time".
    """
    items: list[dict[str, Any]] = []
    for number, event in enumerate(events, start=1):
        data = event_node(
            event, url=f"{base_url}/pfalzorchester/konzerte/{event.slug}", base_url=base_url
        )
        data["@context"] = "https://openactive.io/"
        data.pop("@id")
        data["identifier"] = event.external_id
        items.append(
            {
                "state": "updated",
                "kind": "Event",
                "id": event.external_id,
                "modified": 1000 + number,
                "data": data,
            }
        )
    items.insert(
        len(items) - 1,
        {"state": "deleted", "kind": "Event", "id": deleted_id, "modified": 1000 + len(items)},
    )
    for change, item in enumerate(items, start=1):
        item["modified"] = 1000 + change
    chunks = [items[i : i + per_page] for i in range(0, len(items), per_page)]
    pages: list[Page] = []
    path = source.path
    for chunk in chunks:
        last = chunk[-1]["modified"]
        next_path = f"{source.path}?afterChangeNumber={last}"
        body = {"next": base_url + next_path, "items": chunk, "license": _OA_LICENSE}
        pages.append((path, dump_json(body), ()))
        path = next_path
    end = {"next": base_url + path, "items": [], "license": _OA_LICENSE}
    pages.append((path, dump_json(end), ()))
    return pages


_OA_LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def activitystreams_outbox(
    source: DemoSource,
    institution: DemoInstitution,
    events: Sequence[DemoEvent],
    *,
    base_url: str,
    stamp: datetime,
    deleted_id: str,
) -> bytes:
    """A Mobilizon-like group outbox: ``Create`` activities of Events, a ``Delete``, a ``Note``."""
    actor = base_url + source.path.removesuffix("/outbox")
    published = _iso(stamp.astimezone(UTC))
    items: list[dict[str, Any]] = []
    for event in events:
        place = event.place
        obj: dict[str, Any] = {
            "type": "Event",
            "id": event.external_id,
            "url": f"{base_url}/cine-stanislas/events/{event.slug}",
            "attributedTo": actor,
            "name": next(iter(event.title.values())),
            "nameMap": dict(event.title),
            "content": f"<p>{escape(next(iter(event.description.values())))}</p>",
            "contentMap": {lang: f"<p>{escape(t)}</p>" for lang, t in event.description.items()},
            "mediaType": "text/html",
            "startTime": _iso(event.start),
            "endTime": _iso(event.end) if event.end else None,
            "timezone": source.timezone,
            "category": "MOVIES" if event.category == "Cinéma" else "MEETING",
            "tag": [{"type": "Hashtag", "name": f"#{event.category.replace(' ', '')}"}],
            "ical:status": "CANCELLED" if event.status == "cancelled" else "CONFIRMED",
            "published": published,
            "updated": published,
            "joinMode": "free",
            "anonymousParticipationEnabled": True,
            "isOnline": bool(event.online_url),
        }
        if event.online_url:
            obj["location"] = {"type": "VirtualLocation", "url": event.online_url}
            obj["attachment"] = [
                {"type": "Link", "name": "Visioconférence", "href": event.online_url}
            ]
        else:
            obj["location"] = {
                "type": "Place",
                "name": event.place_label,
                "address": {
                    "type": "PostalAddress",
                    "streetAddress": place.street,
                    "postalCode": place.postal_code,
                    "addressLocality": place.locality,
                    "addressCountry": place.country,
                },
                "latitude": place.lat,
                "longitude": place.lon,
            }
        if obj["endTime"] is None:
            del obj["endTime"]
        items.append(
            {
                "type": "Create",
                "id": event.external_id + "/activity",
                "actor": actor,
                "published": published,
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
                "object": obj,
            }
        )
    items.append(
        {
            "type": "Note",
            "id": actor + "/posts/bienvenue",
            "content": "<p>Bienvenue au ciné-club ! Welcome to the film society!</p>",
        }
    )
    items.append(
        {
            "type": "Delete",
            "id": deleted_id + "/delete",
            "actor": actor,
            "object": deleted_id,
        }
    )
    outbox = {
        "@context": [
            "https://www.w3.org/ns/activitystreams",
            "https://litepub.social/litepub/context.jsonld",
            {
                "ical": "http://www.w3.org/2002/12/cal/ical#",
                "mz": "https://joinmobilizon.org/ns#",
                "@language": source.lang,
            },
        ],
        "type": "OrderedCollection",
        "id": base_url + source.path,
        "totalItems": len(items),
        "first": {
            "type": "OrderedCollectionPage",
            "id": f"{base_url}{source.path}?page=1",
            "partOf": base_url + source.path,
            "orderedItems": items,
        },
        "name": institution.name,
    }
    return dump_json(outbox)
