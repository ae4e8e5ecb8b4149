"""End to end: fixture feeds of every format on loopback, crawled twice through the real stack.

The second crawl sends the stored validators (ETag, Last-Modified) and the
RPDE checkpoint, and changes nothing: 304s become ``not_modified``, the RPDE
feed resumes where it stopped, the other feeds read the same events again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from pluriel.crawlers import CrawlOptions, run_crawl
from pluriel.model import FetchOutcome, SourceFormat, SourceItemError, SourceSpec
from pluriel.settings import Settings
from tests.conftest import FIXTURES
from tests.crawlers.server import FixtureServer, Route

NOW = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)
JSON = "application/json"
ICS_LAST_MODIFIED = "Thu, 01 Oct 2026 08:00:00 GMT"
AGENDA_LAST_MODIFIED = "Wed, 30 Sep 2026 18:00:00 GMT"
SITES = FIXTURES / "sites"
TEC_NEXT = '<http://127.0.0.1:{port}/tec/wp-json/tec/v1/events?page=2>; rel="next"'

ROUTES = {
    "/robots.txt": Route(fixture="robots.txt", content_type="text/plain"),
    "/feed.ics": Route(
        fixture="feed.ics",
        content_type="text/calendar; charset=utf-8",
        etag='"ics-v1"',
        last_modified=ICS_LAST_MODIFIED,
    ),
    "/jsonld/agenda.html": Route(fixture="jsonld/agenda.html", last_modified=AGENDA_LAST_MODIFIED),
    "/jsonld/concert.html": Route(fixture="jsonld/concert.html"),
    "/jsonld/expo.html": Route(fixture="jsonld/expo.html"),
    "/wp/wp-json/tribe/events/v1/events": Route(fixture="tribe/page1.json", content_type=JSON),
    "/wp/wp-json/tribe/events/v1/events?page=2": Route(
        fixture="tribe/page2.json", content_type=JSON
    ),
    "/wp/wp-json/tribe/events/v1/events?page=3": Route(
        status=404, body=b'{"code": "rest_invalid_param"}', content_type=JSON
    ),
    "/tec/wp-json/tec/v1/events": Route(
        fixture="tribe/tec_page1.json", content_type=JSON, headers={"Link": TEC_NEXT}
    ),
    "/tec/wp-json/tec/v1/events?page=2": Route(fixture="tribe/tec_page2.json", content_type=JSON),
    "/rss/feed.xml": Route(fixture="rss/feed.xml", content_type="application/rss+xml"),
    "/rss/jazz.html": Route(fixture="rss/jazz.html"),
    "/rss/plain.html": Route(body=b"<html><body><h1>Lesung</h1><p>Bald.</p></body></html>"),
    "/rpde/events": Route(fixture="rpde/page1.json", content_type=JSON),
    "/rpde/events?afterChangeNumber=2": Route(fixture="rpde/page2.json", content_type=JSON),
    "/rpde/events?afterChangeNumber=3": Route(fixture="rpde/page3.json", content_type=JSON),
    "/as/outbox": Route(
        fixture="activitystreams/outbox.json", content_type="application/activity+json"
    ),
    "/as/outbox?page=1": Route(fixture="activitystreams/page1.json", content_type=JSON),
    "/as/outbox?page=2": Route(fixture="activitystreams/page2.json", content_type=JSON),
    "/sites/fabrique-metz/agenda/": Route(fixture=str(SITES / "fabrique-metz" / "agenda.html")),
    "/sites/fabrique-metz/agenda/?page=2": Route(
        fixture=str(SITES / "fabrique-metz" / "agenda-page2.html")
    ),
    **{
        f"/sites/fabrique-metz/spectacle/{slug}/": Route(
            fixture=str(SITES / "fabrique-metz" / f"{slug}.html")
        )
        for slug in ("le-roi-lear", "nuit-du-conte", "atelier-masques")
    },
    "/sites/kulturbahnhof-saar/programm.html": Route(
        fixture=str(SITES / "kulturbahnhof-saar" / "programm.html")
    ),
    **{
        f"/sites/kulturbahnhof-saar/veranstaltung-{n}.html": Route(
            fixture=str(SITES / "kulturbahnhof-saar" / f"veranstaltung-{n}.html")
        )
        for n in (1, 2, 3)
    },
}

FORMATS = {
    1: (SourceFormat.ICS, "/feed.ics", None),
    2: (SourceFormat.JSONLD, "/jsonld/agenda.html", None),
    3: (SourceFormat.TRIBE, "/wp/", None),
    4: (SourceFormat.TRIBE, "/tec/", None),
    5: (SourceFormat.RSS, "/rss/feed.xml", None),
    6: (SourceFormat.RPDE, "/rpde/events", None),
    7: (SourceFormat.ACTIVITYSTREAMS, "/as/outbox", None),
    8: (SourceFormat.SITE, "/sites/fabrique-metz/agenda/", "fabrique_metz"),
    9: (SourceFormat.SITE, "/sites/kulturbahnhof-saar/programm.html", "kulturbahnhof_saar"),
}


@dataclass(frozen=True)
class Crawls:
    server: FixtureServer
    first: dict[int, FetchOutcome]
    second: dict[int, FetchOutcome]
    first_requests: list[str]
    second_requests: list[str]
    second_headers: dict[str, dict[str, str]]


def crawl(specs: list[SourceSpec]) -> dict[int, FetchOutcome]:
    outcomes: list[FetchOutcome] = []
    run_crawl(
        specs,
        settings=Settings(allow_private_networks=True),
        sink=outcomes.append,
        now=NOW,
        options=CrawlOptions(throttle_start_delay=0, retries=0, overall_timeout=60),
    )
    assert sorted(o.source_id for o in outcomes) == sorted(s.id for s in specs)
    return {outcome.source_id: outcome for outcome in outcomes}


@pytest.fixture(scope="module")
def crawls() -> Iterator[Crawls]:
    server = FixtureServer(ROUTES)
    with server.running():
        specs = [
            SourceSpec(
                id=number,
                institution_id=1,
                format=fmt,
                url=server.url(path),
                lang="fr",
                timezone="Europe/Paris",
                name=name,
            )
            for number, (fmt, path, name) in FORMATS.items()
        ]
        first = crawl(specs)
        first_requests = [seen.path for seen in server.seen]
        del server.seen[:]
        again = [
            replace(
                spec,
                etag=first[spec.id].etag,
                last_modified=first[spec.id].last_modified,
                checkpoint=first[spec.id].checkpoint,
            )
            for spec in specs
        ]
        second = crawl(again)
        second_headers = {seen.path: seen.headers for seen in server.seen}
        second_requests = [seen.path for seen in server.seen]
        yield Crawls(server, first, second, first_requests, second_requests, second_headers)


def titles(outcome: FetchOutcome) -> list[tuple[str, str]]:
    assert outcome.result is not None, outcome.error
    return [
        (event.external_id, dict(event.title.items)[event.title.languages[0]])
        for event in outcome.result.events
    ]


def test_ics_is_read_with_its_validators_and_refresh_interval(crawls: Crawls) -> None:
    outcome = crawls.first[1]
    assert titles(outcome) == [
        ("esch-2026-11-14-lear@theatre-esch.example.lu", "Le Roi Lear"),
        ("esch-2026-11-21-kinder@theatre-esch.example.lu", "Kannertheater"),
    ]
    assert (outcome.http_status, outcome.etag, outcome.last_modified, outcome.complete) == (
        200,
        '"ics-v1"',
        ICS_LAST_MODIFIED,
        True,
    )
    assert outcome.result is not None
    assert outcome.result.meta.refresh_interval == timedelta(hours=12)


def test_the_second_crawl_is_conditional_and_not_modified(crawls: Crawls) -> None:
    ics, agenda = crawls.second_headers["/feed.ics"], crawls.second_headers["/jsonld/agenda.html"]
    assert (ics["if-none-match"], ics["if-modified-since"]) == ('"ics-v1"', ICS_LAST_MODIFIED)
    assert agenda["if-modified-since"] == AGENDA_LAST_MODIFIED
    assert "if-none-match" not in agenda
    for source_id, etag, last_modified in (
        (1, '"ics-v1"', ICS_LAST_MODIFIED),
        (2, None, AGENDA_LAST_MODIFIED),
    ):
        outcome = crawls.second[source_id]
        assert outcome == FetchOutcome(
            source_id=source_id,
            started_at=outcome.started_at,
            not_modified=True,
            http_status=304,
            etag=etag,
            last_modified=last_modified,
        )
    # Unchanged listing: its detail pages are not fetched again.
    assert "/jsonld/concert.html" not in crawls.second_requests


def test_every_request_names_pluriel(crawls: Crawls) -> None:
    agents = {headers["user-agent"] for headers in crawls.second_headers.values()}
    assert agents == {Settings().user_agent}


def test_robots_txt_is_read_before_the_feeds(crawls: Crawls) -> None:
    assert crawls.first_requests[0] == "/robots.txt"


def test_jsonld_listing_follows_same_site_event_pages(crawls: Crawls) -> None:
    base = crawls.server.base
    assert sorted(titles(crawls.first[2])) == [
        (f"{base}/jsonld/concert.html#event", "Orchestre national de Lorraine"),
        (f"{base}/jsonld/expo.html#event", "Lumières du Nord"),
    ]
    assert "elsewhere.example.org" not in " ".join(crawls.first_requests)


def test_tribe_from_the_site_root_pages_until_404(crawls: Crawls) -> None:
    outcome = crawls.first[3]
    assert titles(outcome) == [
        ("tribe:101", "Bal folk – Nuit bretonne"),
        ("tribe:102", "Atelier d’écriture"),
    ]
    assert outcome.error is None
    assert outcome.complete is True
    assert outcome.result is not None
    assert outcome.result.errors == ()
    assert "/wp/wp-json/tribe/events/v1/events?page=3" in crawls.first_requests


def test_tec_endpoint_found_after_the_legacy_one_and_paged_by_link_header(crawls: Crawls) -> None:
    assert titles(crawls.first[4]) == [
        ("tribe:201", "Lesung & Gespräch"),
        ("tribe:202", "Flohmarkt"),
    ]
    assert [p for p in crawls.first_requests if p.startswith("/tec/")] == [
        "/tec/wp-json/tribe/events/v1/events",
        "/tec/wp-json/tec/v1/events",
        "/tec/wp-json/tec/v1/events?page=2",
    ]


def test_rss_items_are_read_on_their_pages(crawls: Crawls) -> None:
    outcome = crawls.first[5]
    base = crawls.server.base
    assert titles(outcome) == [(f"{base}/rss/jazz.html#event", "Jazz am Sonntag")]
    assert outcome.result is not None
    assert sorted(outcome.result.errors, key=lambda error: error.message) == [
        SourceItemError(message=f"{base}/rss/missing.html: HTTP 404"),
        SourceItemError(message=f"{base}/rss/plain.html: no event on the page"),
    ]
    assert outcome.complete is False  # a page we could not read: nothing may be tombstoned
    assert outcome.result.meta.refresh_interval == timedelta(minutes=120)


def test_rpde_reads_to_the_end_and_keeps_the_checkpoint(crawls: Crawls) -> None:
    outcome = crawls.first[6]
    base = crawls.server.base
    assert outcome.result is not None
    assert [(e.external_id, e.deleted) for e in outcome.result.events] == [
        ("1", True),
        ("2", False),
    ]
    assert outcome.checkpoint == f"{base}/rpde/events?afterChangeNumber=3"
    assert outcome.complete is False
    second = crawls.second[6]
    assert second.result is not None
    assert (second.result.events, second.checkpoint) == ((), outcome.checkpoint)
    assert [p for p in crawls.second_requests if p.startswith("/rpde/")] == [
        "/rpde/events?afterChangeNumber=3"
    ]


def test_activitystreams_outbox_first_then_next(crawls: Crawls) -> None:
    base = crawls.server.base
    assert titles(crawls.first[7]) == [
        (f"{base}/as/events/1", "Repair café"),
        (f"{base}/as/events/2", "Soirée jeux"),
    ]


def test_site_spiders_read_listings_and_detail_pages(crawls: Crawls) -> None:
    fabrique = crawls.first[8]
    assert sorted(titles(fabrique)) == [
        ("/sites/fabrique-metz/spectacle/le-roi-lear/", "Le Roi Lear"),
        ("/sites/fabrique-metz/spectacle/nuit-du-conte/", "La Nuit du conte"),
    ]
    assert fabrique.result is not None
    assert [error.external_id for error in fabrique.result.errors] == [
        "/sites/fabrique-metz/spectacle/atelier-masques/"
    ]
    saar = crawls.first[9]
    assert sorted(titles(saar)) == [
        ("/sites/kulturbahnhof-saar/veranstaltung-1.html", "Saarländisches Kammerorchester"),
        ("/sites/kulturbahnhof-saar/veranstaltung-2.html", "Adventsmarkt im Lokschuppen"),
        ("/sites/kulturbahnhof-saar/veranstaltung-3.html", "Clubnacht: Bahnsteig 3"),
    ]
    assert saar.complete is True
    assert saar.result is not None
    assert sorted(event.categories for event in saar.result.events) == [
        ("Konzert",),
        ("Markt",),
        ("Party",),
    ]


def test_feeds_without_validators_read_the_same_events_again(crawls: Crawls) -> None:
    for source_id in (3, 4, 5, 7, 8, 9):
        first, second = crawls.first[source_id], crawls.second[source_id]
        assert first.result is not None
        assert second.result is not None
        assert sorted(second.result.events, key=lambda e: e.external_id) == sorted(
            first.result.events, key=lambda e: e.external_id
        )
