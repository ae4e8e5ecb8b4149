"""The demo's HTML pages: schema.org listings and detail pages, and the two sites without any.

The two HTML-only sites (La Fabrique à Spectacles, Kulturbahnhof
Saarbrücken) follow ``briefs/sites.md`` to the letter, because their spiders
are written against that description and not against this code.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape
from typing import Any

from pluriel.demo.catalog import DemoInstitution, DemoSource, LocatedSource
from pluriel.demo.feeds import event_node, performer_type
from pluriel.demo.programme import DemoEvent

__all__ = [
    "fabrique_pages",
    "index_page",
    "jsonld_detail",
    "jsonld_listing",
    "kulturbahnhof_pages",
    "microdata_page",
]

_FR_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_FR_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_DE_DAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
_DE_MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)

_SCHEMA_TYPES = {
    "Ausstellung": "ExhibitionEvent",
    "Führung": "Event",
    "Vortrag": "EducationEvent",
    "Workshop": "EducationEvent",
    "Konzert": "MusicEvent",
    "Kinderkonzert": "MusicEvent",
    "Festival": "MusicEvent",
    "Jazz": "MusicEvent",
    "Rock": "MusicEvent",
    "Concert": "MusicEvent",
    "Exhibition": "ExhibitionEvent",
    "Guided tour": "Event",
}


def _document(lang: str, title: str, body: str, head: str = "") -> bytes:
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n{head}</head>\n<body>\n{body}</body>\n</html>\n"
    ).encode()


def _jsonld_script(payload: Any) -> str:
    text = json.dumps(payload, ensure_ascii=False, indent=2).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>\n'


def index_page(located: Sequence[tuple[DemoInstitution, list[LocatedSource]]]) -> bytes:
    """The fixture site's home: who publishes what, and where."""
    rows = []
    for inst, feeds in located:
        for feed in feeds:
            src = feed.source
            label = src.format.value + (f" ({src.name})" if src.name else "")
            rows.append(
                "<tr>"
                f"<td>{escape(inst.name)}</td><td>{inst.country}</td><td>{escape(label)}</td>"
                f"<td>{src.lang}</td>"
                f'<td><a href="{escape(feed.url)}">{escape(src.path)}</a></td>'
                "</tr>\n"
            )
    body = (
        "<h1>pluriel demo: a fictional Greater Region</h1>\n"
        "<p>Every institution, place and event on this site is invented.</p>\n"
        "<table>\n<tr><th>Institution</th><th>Country</th><th>Format</th>"
        "<th>Language</th><th>Source</th></tr>\n" + "".join(rows) + "</table>\n"
    )
    return _document("en", "pluriel demo sources", body)


def jsonld_listing(
    source: DemoSource,
    inst: DemoInstitution,
    events: Sequence[DemoEvent],
    *,
    detail_urls: list[str],
) -> bytes:
    """An event listing whose only structured data is an ItemList of detail pages."""
    item_list = {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": f"{inst.name}: Veranstaltungen",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "url": url}
            for n, url in enumerate(detail_urls, start=1)
        ],
    }
    cards = "".join(
        f'<li><a href="{escape(url)}">{escape(next(iter(e.title.values())))}</a> '
        f"({_de_date(e.start)})</li>\n"
        for e, url in zip(events, detail_urls, strict=True)
    )
    body = f"<h1>{escape(inst.name)}</h1>\n<h2>Veranstaltungen</h2>\n<ul>\n{cards}</ul>\n"
    return _document(source.lang, f"{inst.name}: Veranstaltungen", body, _jsonld_script(item_list))


def jsonld_detail(
    event: DemoEvent, *, lang: str, url: str, base_url: str, organiser: DemoInstitution
) -> bytes:
    node = event_node(
        event, url=url, base_url=base_url, kind=_SCHEMA_TYPES.get(event.category, "Event")
    )
    node = {"@context": "https://schema.org", **node}
    node["organizer"] = {"@type": "Organization", "name": organiser.name, "url": organiser.website}
    title = next(iter(event.title.values()))
    description = next(iter(event.description.values()))
    body = (
        f"<main>\n<h1>{escape(title)}</h1>\n<p>{escape(description)}</p>\n"
        f"<p>{escape(event.place_label)}, {escape(event.place.address)}</p>\n</main>\n"
    )
    return _document(lang, title, body, _jsonld_script(node))


def microdata_page(source: DemoSource, inst: DemoInstitution, events: Sequence[DemoEvent]) -> bytes:
    """A festival programme marked up with schema.org microdata only."""
    articles = []
    for event in events:
        place = event.place
        kind = _SCHEMA_TYPES.get(event.category, "Event")
        offers = "".join(
            '<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">'
            f'<meta itemprop="price" content="{amount}">'
            '<meta itemprop="priceCurrency" content="EUR">'
            f'<link itemprop="availability" href="https://schema.org/'
            f'{"SoldOut" if event.sold_out else "InStock"}">'
            f"{escape(event.price_text or '')}</div>\n"
            for amount in event.prices
        )
        free = '<meta itemprop="isAccessibleForFree" content="true">\n' if event.free else ""
        end = event.end
        end_tag = (
            f'<meta itemprop="endDate" content="{end.isoformat(timespec="seconds")}">\n'
            if end is not None
            else ""
        )
        performers = "".join(
            '<span itemprop="performer" itemscope '
            f'itemtype="https://schema.org/{performer_type(p)}">'
            f'<span itemprop="name">{escape(p)}</span></span>\n'
            for p in event.performers
        )
        articles.append(
            f'<article itemscope itemtype="https://schema.org/{kind}" '
            f'itemid="{escape(event.external_id)}">\n'
            f'<link itemprop="url" href="{escape(event.external_id)}">\n'
            f'<h2 itemprop="name">{escape(event.title["de"])}</h2>\n'
            f'<time itemprop="startDate" datetime="{event.start.isoformat(timespec="seconds")}">'
            f"{_de_date(event.start)}, {event.start:%H:%M} Uhr</time>\n{end_tag}"
            '<link itemprop="eventStatus" href="https://schema.org/EventScheduled">\n'
            '<div itemprop="location" itemscope itemtype="https://schema.org/Place">'
            f'<span itemprop="name">{escape(event.place_label)}</span>, '
            '<span itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">'
            f'<span itemprop="streetAddress">{escape(place.street)}</span>, '
            f'<span itemprop="postalCode">{escape(place.postal_code)}</span> '
            f'<span itemprop="addressLocality">{escape(place.locality)}</span>'
            f'<meta itemprop="addressCountry" content="{place.country}"></span>'
            '<span itemprop="geo" itemscope itemtype="https://schema.org/GeoCoordinates">'
            f'<meta itemprop="latitude" content="{place.lat}">'
            f'<meta itemprop="longitude" content="{place.lon}"></span></div>\n'
            f'<p itemprop="description">{escape(event.description["de"])}</p>\n'
            f"{performers}{offers}{free}</article>\n"
        )
    body = f"<h1>{escape(inst.name)}: Programm</h1>\n" + "".join(articles)
    return _document(source.lang, f"{inst.name}: Programm", body)


# -- La Fabrique à Spectacles (French, no structured data) ---------------------------


def _fr_when(value: datetime) -> str:
    day = "1er" if value.day == 1 else str(value.day)
    clock = f"{value.hour}h" if value.minute == 0 else f"{value.hour}h{value.minute:02d}"
    weekday = _FR_DAYS[value.weekday()]
    return f"{weekday} {day} {_FR_MONTHS[value.month - 1]} {value.year} à {clock}"


def _fr_duration(value: timedelta) -> str:
    minutes = int(value.total_seconds()) // 60
    hours, rest = divmod(minutes, 60)
    return f"{hours}h{rest:02d}" if rest else f"{hours}h"


def fabrique_pages(
    source: DemoSource, events: Sequence[DemoEvent], *, per_page: int
) -> list[tuple[str, bytes]]:
    prefix = source.path.removesuffix("agenda/")
    pages: list[tuple[str, bytes]] = []
    chunks = [events[i : i + per_page] for i in range(0, len(events), per_page)]
    for number, chunk in enumerate(chunks, start=1):
        articles = "".join(
            '<article class="spectacle">\n'
            f'  <h2><a href="{prefix}spectacle/{e.slug}/">{escape(e.title["fr"])}</a></h2>\n'
            f'  <p class="quand">{_fr_when(e.start)}</p>\n'
            "</article>\n"
            for e in chunk
        )
        more = (
            f'<a class="suivant" href="?page={number + 1}">Page suivante</a>\n'
            if number < len(chunks)
            else ""
        )
        body = f"<h1>Agenda</h1>\n{articles}{more}"
        path = source.path if number == 1 else f"{source.path}?page={number}"
        pages.append((path, _document("fr", "La Fabrique à Spectacles : agenda", body)))
    for event in events:
        pages.append((f"{prefix}spectacle/{event.slug}/", _fabrique_detail(event, prefix)))
    return pages


def _fabrique_detail(event: DemoEvent, prefix: str) -> bytes:
    dates = []
    for start in event.starts:
        if start in event.cancelled:
            dates.append(f'  <li class="annule">{_fr_when(start)} <span>(annulé)</span></li>\n')
        else:
            dates.append(f"  <li>{_fr_when(start)}</li>\n")
    parts = [
        "<main>\n",
        f'<h1 class="titre">{escape(event.title["fr"])}</h1>\n',
        f'<p class="genre">{escape(event.category)}</p>\n',
        '<ul class="dates">\n',
        *dates,
        "</ul>\n",
    ]
    if event.duration is not None:
        parts.append(f'<p class="duree">Durée : {_fr_duration(event.duration)}</p>\n')
    parts.append(
        f'<p class="lieu">{escape(event.place_label)} — {escape(event.place.address)}</p>\n'
    )
    parts.append(f'<div class="description"><p>{escape(event.description["fr"])}</p></div>\n')
    parts.append(f'<p class="tarif">{escape(event.price_text or "Entrée libre")}</p>\n')
    if event.booking_url:
        parts.append(f'<a class="billetterie" href="{escape(event.booking_url)}">Réserver</a>\n')
    if event.image:
        parts.append(f'<img class="affiche" src="{prefix}img/{event.slug}.jpg" alt="">\n')
    parts.append("</main>\n")
    return _document("fr", event.title["fr"], "".join(parts))


# -- Kulturbahnhof Saarbrücken (German, no structured data) --------------------------


def _de_date(value: datetime) -> str:
    return f"{_DE_DAYS[value.weekday()]}, {value.day}. {_DE_MONTHS[value.month - 1]} {value.year}"


_STATUS_DE = {"cancelled": "Abgesagt", "postponed": "Verschoben"}


def kulturbahnhof_pages(source: DemoSource, events: Sequence[DemoEvent]) -> list[tuple[str, bytes]]:
    prefix = source.path.removesuffix("programm.html")
    rows = []
    pages: list[tuple[str, bytes]] = []
    for event in events:
        start = event.start
        rows.append(
            '  <tr class="termin">\n'
            f'    <td class="datum">{_DE_DAYS[start.weekday()][:2]}., {start:%d.%m.%Y}</td>\n'
            f'    <td class="zeit">{"ganztägig" if event.all_day else f"{start:%H:%M} Uhr"}</td>\n'
            f'    <td class="titel"><a href="veranstaltung-{event.slug}.html">'
            f"{escape(event.title['de'])}</a></td>\n"
            f'    <td class="rubrik">{escape(event.category)}</td>\n'
            "  </tr>\n"
        )
        pages.append((f"{prefix}veranstaltung-{event.slug}.html", _kulturbahnhof_detail(event)))
    body = (
        "<h1>Kulturbahnhof Saarbrücken – Programm</h1>\n"
        '<table class="programm">\n' + "".join(rows) + "</table>\n"
    )
    pages.insert(0, (source.path, _document("de", "Kulturbahnhof Saarbrücken: Programm", body)))
    return pages


def _kulturbahnhof_detail(event: DemoEvent) -> bytes:
    data = [f"  <dt>Datum</dt><dd>{_de_date(event.start)}</dd>\n"]
    if not event.all_day:
        data.append(f"  <dt>Beginn</dt><dd>{event.start:%H:%M} Uhr</dd>\n")
        if event.duration is not None:
            data.append(f"  <dt>Ende</dt><dd>{event.start + event.duration:%H:%M} Uhr</dd>\n")
    data.append(
        f"  <dt>Ort</dt><dd>{escape(event.place_label)}, {escape(event.place.address)}</dd>\n"
    )
    data.append(f"  <dt>Eintritt</dt><dd>{escape(event.price_text or 'Eintritt frei')}</dd>\n")
    parts = ['<div id="veranstaltung">\n', f"<h1>{escape(event.title['de'])}</h1>\n"]
    if "untertitel" in event.extra:
        parts.append(f'<p class="untertitel">{escape(event.extra["untertitel"])}</p>\n')
    parts += ['<dl class="daten">\n', *data, "</dl>\n"]
    parts.append(f'<div class="beschreibung"><p>{escape(event.description["de"])}</p></div>\n')
    status = "Ausverkauft" if event.sold_out else _STATUS_DE.get(event.status)
    if status:
        parts.append(f'<p class="status">{status}</p>\n')
    if event.booking_url:
        parts.append(f'<a class="tickets" href="{escape(event.booking_url)}">Tickets</a>\n')
    parts.append("</div>\n")
    return _document("de", event.title["de"], "".join(parts))
