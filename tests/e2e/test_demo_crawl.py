"""The demo end to end: every format crawled by the real spiders, duplicates merged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg

from pluriel.aggregator.ingest import RunReport, ingest_outcome
from pluriel.crawlers import CrawlOptions, run_crawl
from pluriel.demo import DISTINCT, DUPLICATES
from pluriel.demo.run import register_demo_sources, serve_demo_site
from pluriel.model import FetchOutcome
from pluriel.settings import Settings
from pluriel.store import registry

Conn = psycopg.Connection[dict[str, Any]]


def _event_of(conn: Conn, path: str, external_id: str) -> int:
    row = conn.execute(
        "select se.event_id from source_event se join source s on s.id = se.source_id"
        " where s.url like %s and se.external_id = %s",
        (f"%{path}", external_id),
    ).fetchone()
    assert row is not None, f"{external_id} from {path} was not ingested"
    return int(row["event_id"])


def _snapshot(conn: Conn) -> list[tuple[Any, ...]]:
    rows = conn.execute(
        "select 'event' as t, id, xmin::text as x from event union all"
        " select 'occurrence', id, xmin::text from occurrence union all"
        " select 'source_event', id, xmin::text from source_event union all"
        " select 'place', id, xmin::text from place order by 1, 2"
    ).fetchall()
    return [tuple(r.values()) for r in rows]


def test_demo_crawl_reads_every_format_and_merges_duplicates(conn: Conn, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    reports: list[RunReport] = []
    with serve_demo_site() as site:
        specs = register_demo_sources(conn, site.base_url)
        by_id = {spec.id: spec for spec in specs}
        host = site.base_url.split("://", 1)[1].rstrip("/")

        def sink(outcome: FetchOutcome) -> None:
            reports.append(ingest_outcome(conn, by_id[outcome.source_id], outcome))

        options = CrawlOptions(throttle_start_delay=0.1)
        allowed = frozenset({host})
        run_crawl(specs, settings=settings, sink=sink, allowed_hosts=allowed, options=options)
        first = list(reports)
        before = _snapshot(conn)
        reports.clear()
        again = registry.load_sources(conn, ids=list(by_id))  # with the stored validators
        by_id.update({spec.id: spec for spec in again})
        run_crawl(again, settings=settings, sink=sink, allowed_hosts=allowed, options=options)
        second = list(reports)
        reports[:] = first

    # The second crawl sent conditional requests (304: "unchanged") and wrote nothing; the
    # RPDE source resumed from its checkpoint and read one empty page ("ok").
    assert sorted(r.status for r in second) == ["ok"] + ["unchanged"] * (len(specs) - 1)
    assert [(r.new, r.updated, r.removed) for r in second] == [(0, 0, 0)] * len(specs)
    assert _snapshot(conn) == before

    assert sorted((r.status, r.errors) for r in reports) == [("ok", 0)] * len(specs)
    per_format = conn.execute(
        "select s.format, count(*) as n from source_event se join source s on s.id = se.source_id"
        " where se.removed_at is null group by 1 order by 1"
    ).fetchall()
    assert [r["format"] for r in per_format] == [
        "activitystreams",
        "ics",
        "jsonld",
        "rpde",
        "rss",
        "site",
        "tribe",
    ]
    assert all(r["n"] > 0 for r in per_format)

    for group in DUPLICATES:
        events = {_event_of(conn, path, ext) for path, ext in group}
        assert len(events) == 1, f"{group} became {len(events)} events"
        (event_id,) = events
        sources = conn.execute(
            "select count(*) as n from source_event where event_id = %s and removed_at is null",
            (event_id,),
        ).fetchone()
        assert sources == {"n": len(group)}
        langs = conn.execute("select languages from event where id = %s", (event_id,)).fetchone()
        assert langs is not None
        assert len(langs["languages"]) >= 2, langs
    statuses = conn.execute(
        "select array_agg(distinct status order by status) as s,"
        " array_agg(distinct availability order by availability)"
        "   filter (where availability is not null) as a from occurrence"
    ).fetchone()
    assert statuses == {
        "s": ["cancelled", "postponed", "rescheduled", "scheduled"],
        "a": ["available", "sold_out"],
    }
    for one, other in DISTINCT:
        assert _event_of(conn, *one) != _event_of(conn, *other), (one, other)
