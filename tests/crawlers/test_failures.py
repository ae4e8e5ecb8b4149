"""What goes wrong, said clearly: one error outcome per source, the others unaffected.

One crawl with private networks NOT allowed; only the test server's own
address (127.0.0.1) is on the allow-list, the way the demo allows only its
fixture site. Everything else that resolves to a private address, including
a redirect hop to ``localhost``, is refused after DNS resolution.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from pluriel.crawlers import CrawlOptions, run_crawl
from pluriel.model import FetchOutcome, SourceFormat, SourceItemError, SourceSpec
from pluriel.settings import Settings
from tests.crawlers.server import FixtureServer, Route

NOW = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)
HINT = "set PLURIEL_ALLOW_PRIVATE_NETWORKS=1 to crawl private networks"
OPTIONS = CrawlOptions(
    throttle_start_delay=0,
    retries=1,
    retry_backoff=0.05,
    download_timeout=1.0,
    max_bytes=64 * 1024,
    max_pages=2,
    overall_timeout=60,
)

ROUTES = {
    "/robots.txt": Route(fixture="robots.txt", content_type="text/plain"),
    "/feed.ics": Route(fixture="feed.ics", content_type="text/calendar"),
    "/private/feed.ics": Route(fixture="feed.ics", content_type="text/calendar"),
    "/error.ics": Route(status=500, body=b"oops", content_type="text/plain"),
    "/busy.ics": Route(status=503, body=b"busy", headers={"Retry-After": "120"}),
    "/slow.ics": Route(fixture="feed.ics", content_type="text/calendar", delay=2.5),
    "/big.ics": Route(body=b"BEGIN:VCALENDAR\r\n" + b"X" * 100_000, content_type="text/calendar"),
    "/page.html": Route(body=b"<html><body>no calendar here</body></html>"),
    "/jsonld/agenda.html": Route(fixture="jsonld/agenda.html"),
    "/jsonld/concert.html": Route(fixture="jsonld/concert.html"),
    "/jsonld/expo.html": Route(fixture="jsonld/expo.html"),
    "/moved.ics": Route(status=302, headers={"Location": "http://localhost:{port}/feed.ics"}),
}

SOURCES = {
    1: (SourceFormat.ICS, "/private/feed.ics", None),
    2: (SourceFormat.ICS, "/error.ics", None),
    3: (SourceFormat.ICS, "/busy.ics", None),
    4: (SourceFormat.ICS, "/slow.ics", None),
    5: (SourceFormat.ICS, "/big.ics", None),
    6: (SourceFormat.ICS, "/page.html", None),
    7: (SourceFormat.ICS, "/moved.ics", None),
    8: (SourceFormat.TRIBE, "/no-wordpress/", None),
    9: (SourceFormat.SITE, "/sites/nope/", "nope"),
    10: (SourceFormat.ICS, "/feed.ics", None),
    12: (SourceFormat.JSONLD, "/jsonld/agenda.html", None),
}


@dataclass(frozen=True)
class Run:
    server: FixtureServer
    outcomes: dict[int, FetchOutcome]
    order: list[int]


@pytest.fixture(scope="module")
def run() -> Iterator[Run]:
    server = FixtureServer(ROUTES)
    with server.running():
        specs = [
            SourceSpec(id=n, institution_id=1, format=fmt, url=server.url(path), name=name)
            for n, (fmt, path, name) in SOURCES.items()
        ]
        specs.append(
            SourceSpec(
                id=11,
                institution_id=1,
                format=SourceFormat.ICS,
                url=f"http://127.0.0.2:{server.port}/feed.ics",
            )
        )
        outcomes: list[FetchOutcome] = []
        run_crawl(
            specs,
            settings=Settings(allow_private_networks=False),
            sink=outcomes.append,
            now=NOW,
            allowed_hosts=frozenset({"127.0.0.1"}),
            options=OPTIONS,
        )
        yield Run(server, {o.source_id: o for o in outcomes}, [o.source_id for o in outcomes])


def error(run: Run, source_id: int) -> str:
    outcome = run.outcomes[source_id]
    assert outcome.result is None
    assert not outcome.not_modified
    assert outcome.error is not None
    return outcome.error


def test_one_outcome_per_source(run: Run) -> None:
    assert sorted(run.order) == list(range(1, 13))


def test_robots_txt_disallow_is_honoured(run: Run) -> None:
    assert error(run, 1) == f"{run.server.url('/private/feed.ics')}: disallowed by robots.txt"
    assert run.server.requests_for("/private/feed.ics") == []


def test_a_server_error_is_retried_then_reported(run: Run) -> None:
    assert error(run, 2) == f"{run.server.url('/error.ics')}: HTTP 500"
    assert run.outcomes[2].http_status == 500
    assert len(run.server.requests_for("/error.ics")) == 2


def test_retry_after_is_honoured_not_hammered(run: Run) -> None:
    assert error(run, 3) == f"{run.server.url('/busy.ics')}: HTTP 503 (retry after 0:02:00)"
    assert run.outcomes[3].retry_after == timedelta(minutes=2)
    assert len(run.server.requests_for("/busy.ics")) == 1


def test_a_timeout_is_an_error(run: Run) -> None:
    assert (
        error(run, 4) == f"{run.server.url('/slow.ics')}: timed out (no complete answer within 1 s)"
    )


def test_the_size_cap(run: Run) -> None:
    assert (
        error(run, 5)
        == f"{run.server.url('/big.ics')}: the response is larger than the 0.0625 MB download cap"
    )


def test_not_a_feed_of_its_format(run: Run) -> None:
    assert error(run, 6).startswith(f"{run.server.url('/page.html')}: not an iCalendar feed")


def test_a_redirect_to_a_private_address_is_refused(run: Run) -> None:
    message = error(run, 7)
    assert message.startswith("refused: localhost resolves to ")
    assert message.endswith(
        f", which is a loopback address (http://localhost:{run.server.port}/feed.ics); {HINT}"
    )
    # The first hop was fetched (its host is allowed); the redirect target never was.
    assert len(run.server.requests_for("/moved.ics")) == 1
    assert [s for s in run.server.seen if s.headers.get("host", "").startswith("localhost")] == []


def test_a_private_address_off_the_allow_list_is_refused(run: Run) -> None:
    url = f"http://127.0.0.2:{run.server.port}/feed.ics"
    assert error(run, 11) == f"refused: 127.0.0.2 is a loopback address ({url}); {HINT}"


def test_tribe_without_an_endpoint(run: Run) -> None:
    assert error(run, 8) == f"{run.server.url('/no-wordpress/wp-json/tec/v1/events')}: HTTP 404"
    assert [s.path for s in run.server.seen if s.path.startswith("/no-wordpress/")] == [
        "/no-wordpress/wp-json/tribe/events/v1/events",
        "/no-wordpress/wp-json/tec/v1/events",
    ]


def test_an_unknown_site_spider(run: Run) -> None:
    message = error(run, 9)
    assert message.startswith("no site spider called 'nope' (known: ")
    assert "fabrique_metz, kulturbahnhof_saar" in message


def test_the_other_sources_still_come_through(run: Run) -> None:
    outcome = run.outcomes[10]
    assert outcome.error is None
    assert outcome.result is not None
    assert len(outcome.result.events) == 2


def test_a_crawl_that_runs_out_of_time_still_answers_for_every_source() -> None:
    server = FixtureServer(ROUTES)
    with server.running():
        spec = SourceSpec(
            id=1, institution_id=1, format=SourceFormat.ICS, url=server.url("/slow.ics")
        )
        outcomes: list[FetchOutcome] = []
        run_crawl(
            [spec],
            settings=Settings(allow_private_networks=True),
            sink=outcomes.append,
            options=CrawlOptions(throttle_start_delay=0, retries=0, overall_timeout=0.5),
        )
    assert outcomes == [
        FetchOutcome(
            source_id=1,
            started_at=outcomes[0].started_at,
            error=f"{spec.url}: the crawl did not finish within 0.5 s",
        )
    ]


def test_the_page_cap_makes_a_partial_result(run: Run) -> None:
    outcome = run.outcomes[12]
    base = run.server.base
    assert outcome.result is not None
    assert [event.external_id for event in outcome.result.events] == [
        f"{base}/jsonld/concert.html#event"
    ]
    assert outcome.result.errors == (
        SourceItemError(
            message=f"stopped after 2 pages; {base}/jsonld/expo.html and any later pages not read"
        ),
    )
    assert outcome.complete is False


def test_a_crawler_process_that_dies_still_answers_for_every_source() -> None:
    server = FixtureServer(ROUTES)
    with server.running():
        specs = [
            SourceSpec(
                id=1, institution_id=1, format=SourceFormat.ICS, url=server.url("/feed.ics")
            ),
            SourceSpec(
                id=2, institution_id=1, format=SourceFormat.ICS, url=server.url("/slow.ics")
            ),
        ]
        outcomes: list[FetchOutcome] = []

        def sink(outcome: FetchOutcome) -> None:
            outcomes.append(outcome)
            if outcome.source_id == 1:
                # The crawl's own child, started by run_crawl for this test: kill it mid-crawl.
                [child] = [
                    p for p in multiprocessing.active_children() if p.name == "pluriel-crawl"
                ]
                os.kill(child.pid, signal.SIGKILL)

        run_crawl(
            specs,
            settings=Settings(allow_private_networks=True),
            sink=sink,
            options=CrawlOptions(throttle_start_delay=0, retries=0, overall_timeout=30),
        )
    assert [(o.source_id, o.error) for o in outcomes] == [
        (1, None),
        (2, f"{specs[1].url}: the crawler process ended unexpectedly (exit code -9)"),
    ]
