"""The scheduler against a real PostgreSQL: due sources crawled once, runs logged and counted."""

from __future__ import annotations

import argparse
import json
import logging
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from prometheus_client import CollectorRegistry

from pluriel.crawlers.settings import CrawlOptions
from pluriel.errors import ConfigError
from pluriel.model import SourceFormat
from pluriel.ops.metrics import Metrics
from pluriel.ops.scheduler import (
    SCHEDULER_LOCK,
    add_arguments,
    cmd_scheduler,
    crawl_due,
    run_scheduler,
)
from pluriel.settings import Settings
from pluriel.store import registry
from tests.conftest import FIXTURES
from tests.crawlers.server import FixtureServer, Route

Conn = psycopg.Connection[dict[str, Any]]
FEED = FIXTURES / "crawlers" / "feed.ics"


def _add_source(conn: Conn, url: str) -> int:
    inst = registry.add_institution(conn, "kinneksbond", name="Kinneksbond", country="LU")
    source_id = registry.add_source(conn, institution_id=inst.id, format=SourceFormat.ICS, url=url)
    conn.commit()
    return source_id


def _runs(conn: Conn) -> list[dict[str, Any]]:
    rows = conn.execute(
        "select source_id, status, new_count, error_count from source_run order by id"
    ).fetchall()
    conn.commit()
    return rows


def _metric(registry: CollectorRegistry, name: str, **labels: str) -> float | None:
    return registry.get_sample_value(name, labels)


def test_once_crawls_due_sources_then_nothing_until_they_are_due(
    conn: Conn, settings: Settings
) -> None:
    source_id = _add_source(conn, FEED.as_uri())
    prom = CollectorRegistry()
    metrics = Metrics(prom)

    assert run_scheduler(settings, interval=timedelta(minutes=5), once=True, metrics=metrics) == 0
    assert run_scheduler(settings, interval=timedelta(minutes=5), once=True, metrics=metrics) == 0

    assert _runs(conn) == [
        {"source_id": source_id, "status": "ok", "new_count": 2, "error_count": 0}
    ]
    assert _metric(prom, "pluriel_crawl_runs_total", status="ok") == 1.0
    assert _metric(prom, "pluriel_ingest_items_total", outcome="new") == 2.0


def test_a_failed_source_makes_once_exit_1(conn: Conn, settings: Settings, tmp_path: Path) -> None:
    source_id = _add_source(conn, (tmp_path / "gone.ics").as_uri())
    prom = CollectorRegistry()

    code = run_scheduler(settings, interval=timedelta(minutes=5), once=True, metrics=Metrics(prom))

    assert code == 1
    assert _runs(conn) == [
        {"source_id": source_id, "status": "failed", "new_count": 0, "error_count": 0}
    ]
    assert _metric(prom, "pluriel_crawl_runs_total", status="failed") == 1.0


def test_runs_are_logged_with_source_and_run_ids(
    conn: Conn, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    source_id = _add_source(conn, FEED.as_uri())
    caplog.set_level(logging.INFO, logger="pluriel.ops.scheduler")

    reports = crawl_due(conn, settings, metrics=Metrics(CollectorRegistry()))

    assert reports is not None
    (report,) = reports
    logged = [
        (r.getMessage(), r.source_id, r.run_id, r.status, r.new)  # type: ignore[attr-defined]
        for r in caplog.records
        if hasattr(r, "run_id")
    ]
    assert logged == [(report.summary(), source_id, report.run_id, "ok", 2)]


def test_a_pass_is_skipped_while_another_scheduler_holds_the_lock(
    conn: Conn, settings: Settings, db_url: str
) -> None:
    _add_source(conn, FEED.as_uri())
    with psycopg.connect(db_url, autocommit=True) as other:
        other.execute("select pg_advisory_lock(%s)", (SCHEDULER_LOCK,))
        assert crawl_due(conn, settings, metrics=Metrics(CollectorRegistry())) is None
        # Released explicitly: a closed session lets go only when its backend has exited.
        other.execute("select pg_advisory_unlock(%s)", (SCHEDULER_LOCK,))
    assert _runs(conn) == []
    # Released: the next pass crawls.
    assert crawl_due(conn, settings, metrics=Metrics(CollectorRegistry())) is not None
    assert len(_runs(conn)) == 1


def test_the_loop_runs_until_stopped_and_does_not_recrawl(conn: Conn, settings: Settings) -> None:
    _add_source(conn, FEED.as_uri())
    stop = threading.Event()
    result: list[int] = []
    thread = threading.Thread(
        target=lambda: result.append(
            run_scheduler(
                settings,
                interval=timedelta(seconds=0.1),
                stop=stop,
                metrics=Metrics(CollectorRegistry()),
            )
        )
    )
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not _runs(conn) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.35)  # three more passes, with nothing due
    finally:
        stop.set()
        thread.join(timeout=10)
    assert result == [0]
    assert [run["status"] for run in _runs(conn)] == ["ok"]


def test_interval_must_be_positive(settings: Settings) -> None:
    with pytest.raises(ConfigError) as caught:
        run_scheduler(settings, interval=timedelta(0), once=True)
    assert str(caught.value) == "the scheduler interval must be positive, not 0:00:00"


@pytest.mark.usefixtures("restore_logging")
def test_the_command_logs_json_lines(
    conn: Conn, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    source_id = _add_source(conn, FEED.as_uri())
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["--once", "--log-format", "json"])

    assert cmd_scheduler(args, settings) == 0

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    runs = [line for line in lines if "run_id" in line]
    assert [(r["logger"], r["source_id"], r["status"], r["new"]) for r in runs] == [
        ("pluriel.ops.scheduler", source_id, "ok", 2)
    ]


def test_an_unreachable_database_fails_the_pass_not_the_process(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, database_url="host=127.0.0.1 port=1 connect_timeout=2")

    assert run_scheduler(settings, interval=timedelta(minutes=5), once=True) == 1


def test_remote_sources_go_through_scrapy_and_keep_their_validators(
    conn: Conn, settings: Settings
) -> None:
    server = FixtureServer(
        {"/agenda.ics": Route(fixture="feed.ics", content_type="text/calendar", etag='"v1"')}
    )
    options = CrawlOptions(throttle_start_delay=0, retries=0, overall_timeout=60)
    prom = CollectorRegistry()
    metrics = Metrics(prom)
    with server.running():
        source_id = _add_source(conn, server.url("/agenda.ics"))
        first = crawl_due(conn, settings, metrics=metrics, options=options)
        conn.execute("update source set next_due_at = now() where id = %s", (source_id,))
        conn.commit()
        second = crawl_due(conn, settings, metrics=metrics, options=options)

    assert first is not None
    assert second is not None
    assert [(r.status, r.new) for r in first + second] == [("ok", 2), ("unchanged", 0)]
    sent = [seen.headers.get("if-none-match") for seen in server.requests_for("/agenda.ics")]
    assert sent == [None, '"v1"']
    assert _metric(prom, "pluriel_crawl_runs_total", status="unchanged") == 1.0
