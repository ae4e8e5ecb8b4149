"""Our own readers read every demo source completely and without a single item error.

The site is walked the way the spiders walk it (next pages from the body or
the Link header, detail pages from listings), but from the built documents,
without HTTP: the server has its own tests.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from pluriel.demo import DISTINCT, DUPLICATES, SOURCES, DemoSource, Document, build_site, programme
from pluriel.model import EventStatus, SourceEvent, SourceFormat, SourceItemError
from pluriel.readers import ReadContext, read
from pluriel.readers.rpde import is_last_page
from pluriel.readers.tribe import next_link
from tests.demo.conftest import BASE, TODAY

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def _walk(
    site: dict[str, Document], source: DemoSource, now: datetime = NOW
) -> tuple[list[SourceEvent], list[SourceItemError]]:
    events: list[SourceEvent] = []
    errors: list[SourceItemError] = []
    queue: list[tuple[SourceFormat, str]] = [(source.format, BASE + source.path)]
    seen: set[str] = set()
    while queue:
        fmt, url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        doc = site[url.removeprefix(BASE)]
        ctx = ReadContext(now=now, lang=source.lang, timezone=source.timezone, url=url)
        result = read(fmt, doc.body, ctx)
        events += result.events
        errors += result.errors
        queue += [(SourceFormat.JSONLD, link) for link in result.meta.follow]
        following = result.meta.next_url or next_link(dict(doc.headers).get("Link"))
        if fmt is SourceFormat.RPDE and is_last_page(url, json.loads(doc.body)):
            following = None
        if following:
            queue.append((fmt, following))
    return events, errors


def test_every_source_with_a_reader_reads_completely(site: dict[str, Document]) -> None:
    plan = programme(TODAY)
    counts = {}
    for source in SOURCES:
        if source.format is SourceFormat.SITE:
            continue  # read by the site spiders (pluriel.crawlers), not by a generic reader
        events, errors = _walk(site, source)
        assert errors == [], source.path
        live = [e for e in events if not e.deleted]
        assert sorted(e.external_id for e in live) == sorted(
            e.external_id for e in plan[source.path]
        ), source.path
        counts[source.path] = (len(live), len(events) - len(live))
    assert counts == {
        "/feeds/philharmonie.ics": (6, 0),
        "/feeds/pont-levis.ics": (4, 0),
        "/feeds/kulturbahnhof.ics": (3, 0),
        "/feeds/arlon.ics": (5, 0),
        "/stadtmuseum-porta/veranstaltungen/": (5, 0),
        "/klangfestival/programm.html": (4, 0),
        "/bibliotheque-confluent/wp-json/tribe/events/v1/events": (6, 0),
        "/rockbuerg/wp-json/tec/v1/events": (5, 0),
        "/feeds/visit-grande-region.rss": (5, 0),
        "/pfalzorchester/openactive/events": (5, 1),
        "/cine-stanislas/@cineclub/outbox": (5, 1),
    }


def _by_id(site: dict[str, Document]) -> dict[tuple[str, str], SourceEvent]:
    found: dict[tuple[str, str], SourceEvent] = {}
    for source in SOURCES:
        if source.format is not SourceFormat.SITE:
            for event in _walk(site, source)[0]:
                found[(source.path, event.external_id)] = event
    return found


def test_reference_pairs_name_events_the_readers_really_produce(
    site: dict[str, Document],
) -> None:
    found = _by_id(site)
    for group in DUPLICATES:
        events = [found[key] for key in group]
        starts = [e.occurrences[0].start for e in events]
        assert max(starts) - min(starts) <= timedelta(minutes=15), group
        languages = {lang for e in events for lang, _ in e.title.items}
        assert len(languages) >= 2, group
    for first, second in DISTINCT:
        assert found[first].title != found[second].title


def test_the_duplicated_jazz_concert_reads_the_same_from_ics_and_rss(
    site: dict[str, Document],
) -> None:
    found = _by_id(site)
    (venue_key, tourism_key) = DUPLICATES[0]
    venue, tourism = found[venue_key], found[tourism_key]
    assert venue.occurrences[0].start == tourism.occurrences[0].start
    assert venue.occurrences[0].start == datetime(2026, 12, 3, 19, 0, tzinfo=UTC)
    assert tourism.location is not None
    assert venue.location is not None
    assert tourism.location.name.items == (("en", "Philharmonie, Luxembourg-Kirchberg"),)
    assert (tourism.location.lat, tourism.location.lon) == (49.61861, 6.14293)
    assert (venue.location.lat, venue.location.lon) == (49.61861, 6.14293)
    assert tourism.title.items == (
        ("en", "Aurelio Nardi Trio live in Luxembourg"),
        ("nl", "Aurelio Nardi Trio live in Luxemburg"),
    )


def test_statuses_survive_the_trip_through_the_readers(site: dict[str, Document]) -> None:
    found = _by_id(site)
    porta = "https://www.stadtmuseum-porta.example/veranstaltung/vortrag-porta-nigra#event"
    moved = found[("/stadtmuseum-porta/veranstaltungen/", porta)]
    assert moved.occurrences[0].status is EventStatus.RESCHEDULED
    assert moved.occurrences[0].previous_start == datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
    slam = found[("/feeds/pont-levis.ics", "soiree-slam@theatre-pont-levis.example")]
    assert slam.status is EventStatus.CANCELLED


def test_the_weekly_series_crosses_daylight_saving_in_the_ics_reader() -> None:
    today = date(2027, 3, 1)
    site = build_site(today, BASE)
    source = next(s for s in SOURCES if s.path == "/feeds/philharmonie.ics")
    now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    events, errors = _walk(site, source, now)
    assert errors == []
    lunch = next(e for e in events if e.external_id.startswith("midi-musical@"))
    local = [o.start.strftime("%a %H:%M %z") for o in lunch.occurrences]
    assert set(local) == {"Wed 12:30 +0100", "Wed 12:30 +0200"}
    expected = programme(today)["/feeds/philharmonie.ics"][0].occurrences()
    assert [o.start for o in lunch.occurrences] == list(expected)
    assert [o.status for o in lunch.occurrences].count(EventStatus.CANCELLED) == 1
