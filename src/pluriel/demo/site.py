"""The whole fixture site as a dictionary of documents, built for one date and one address.

Building is pure: the same ``today`` and ``base_url`` give the same bytes.
Paths may carry a query string (``/agenda/?page=2``) because paged APIs and
listings are addressed that way; the server looks the request target up as
it arrives.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from html import escape

from pluriel.demo.catalog import SOURCES, DemoSource, institution, sources
from pluriel.demo.feeds import (
    activitystreams_outbox,
    rpde_pages,
    rss_feed,
    tec_pages,
    tribe_pages,
)
from pluriel.demo.ics import render_ics
from pluriel.demo.pages import (
    fabrique_pages,
    index_page,
    jsonld_detail,
    jsonld_listing,
    kulturbahnhof_pages,
    microdata_page,
)
from pluriel.demo.programme import DemoEvent, programme
from pluriel.model import SourceFormat

__all__ = ["Document", "build_site", "detail_path"]

HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
LD_JSON = "application/ld+json; charset=utf-8"

# A 1x1 grey JPEG: posters only need to exist and be images.
_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////"
    "////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/a"
    "AAgBAQABPxA="
)

_ROBOTS = (
    "# pluriel demo site: crawl anything public\nUser-agent: *\nDisallow: /private/\nAllow: /\n"
)

_DELETED_RPDE = "pfalzorchester-offene-probe"
_DELETED_OUTBOX = "https://mobilizon.cine-stanislas.example/events/0d6e1b7a-projection-annulee"


@dataclass(frozen=True, slots=True)
class Document:
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()  # extra response headers, such as Link


def detail_path(source: DemoSource, event: DemoEvent) -> str:
    """Where a listing's detail page lives (JSON-LD listings and the RSS feed)."""
    if source.format is SourceFormat.RSS:
        return f"/visit-grande-region/events/{event.slug}.html"
    return f"{source.path.removesuffix('veranstaltungen/')}veranstaltung/{event.slug}.html"


def _svg(label: str) -> bytes:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360">'
        '<rect width="640" height="360" fill="#2d4a6b"/>'
        f'<text x="32" y="190" font-size="28" fill="#fff">{escape(label)}</text></svg>\n'
    ).encode()


def build_site(today: date, base_url: str) -> dict[str, Document]:
    """Every document of the fixture site for ``today``, with links under ``base_url``."""
    base = base_url.rstrip("/")
    stamp = datetime.combine(today, time(6, 0), UTC)
    plan = programme(today)
    site: dict[str, Document] = {
        "/robots.txt": Document(_ROBOTS.encode("ascii"), "text/plain; charset=utf-8"),
        "/index.html": Document(index_page(sources(base)), HTML),
        "/private/drafts.ics": Document(
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//pluriel demo//drafts//EN\r\n"
            b"END:VCALENDAR\r\n",
            "text/calendar; charset=utf-8",
        ),
    }
    site["/"] = site["/index.html"]
    for source in SOURCES:
        events = plan[source.path]
        inst = institution(source.institution_slug)
        fmt = source.format
        if fmt is SourceFormat.ICS:
            body = render_ics(source, inst, events, stamp=stamp)
            site[source.path] = Document(body, "text/calendar; charset=utf-8")
        elif fmt is SourceFormat.JSONLD and source.path.endswith("/"):
            urls = [base + detail_path(source, e) for e in events]
            site[source.path] = Document(
                jsonld_listing(source, inst, events, detail_urls=urls), HTML
            )
            for event, url in zip(events, urls, strict=True):
                page = jsonld_detail(
                    event, lang=source.lang, url=url, base_url=base, organiser=inst
                )
                site[detail_path(source, event)] = Document(page, HTML)
        elif fmt is SourceFormat.JSONLD:
            site[source.path] = Document(microdata_page(source, inst, events), HTML)
        elif fmt is SourceFormat.TRIBE and "/tribe/events/v1/" in source.path:
            for path, body, headers in tribe_pages(source, events, base_url=base, per_page=3):
                site[path] = Document(body, JSON, headers)
        elif fmt is SourceFormat.TRIBE:
            for path, body, headers in tec_pages(source, events, base_url=base, per_page=3):
                site[path] = Document(body, JSON, headers)
        elif fmt is SourceFormat.RSS:
            site[source.path] = Document(
                rss_feed(
                    source,
                    inst,
                    events,
                    base_url=base,
                    detail_path="/visit-grande-region/events/",
                    stamp=stamp,
                ),
                "application/rss+xml; charset=utf-8",
            )
            for event in events:
                url = base + detail_path(source, event)
                page = jsonld_detail(
                    event, lang=source.lang, url=url, base_url=base, organiser=inst
                )
                site[detail_path(source, event)] = Document(page, HTML)
        elif fmt is SourceFormat.RPDE:
            pages = rpde_pages(source, events, base_url=base, per_page=3, deleted_id=_DELETED_RPDE)
            for path, body, headers in pages:
                site[path] = Document(body, JSON, headers)
        elif fmt is SourceFormat.ACTIVITYSTREAMS:
            body = activitystreams_outbox(
                source, inst, events, base_url=base, stamp=stamp, deleted_id=_DELETED_OUTBOX
            )
            site[source.path] = Document(body, "application/activity+json; charset=utf-8")
        elif source.name == "fabrique_metz":
            for path, body in fabrique_pages(source, events, per_page=4):
                site[path] = Document(body, HTML)
        else:
            for path, body in kulturbahnhof_pages(source, events):
                site[path] = Document(body, HTML)
        for event in events:
            if event.image and event.image.endswith(".jpg"):
                site[event.image] = Document(_JPEG, "image/jpeg")
            elif event.image:
                site[event.image] = Document(
                    _svg(next(iter(event.title.values()))[:40]), "image/svg+xml"
                )
    return site
