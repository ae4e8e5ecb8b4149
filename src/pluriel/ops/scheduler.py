"""The crawl scheduler: every interval, crawl the sources that are due, as ``pluriel crawl --due``.

Each pass opens its own connection (a database restart costs one pass, not
the process), takes a PostgreSQL advisory lock so that two schedulers (a
second replica, a CronJob that overlaps a slow run) never crawl the same
sources at once, reads local ``file://`` sources directly and hands remote
ones to the Scrapy crawler in its child process — or, given a Redis URL, to
crawl workers on other machines (:mod:`pluriel.crawlers.distributed`) —
then ingests each outcome as it arrives. Every run is logged with its
``source_id`` and ``run_id`` and counted in the Prometheus metrics.

SIGTERM and SIGINT end the loop after the pass under way: a crawl is bounded
by its own timeouts, so a pod's grace period only has to cover one pass.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import TYPE_CHECKING, Any

import psycopg

from pluriel.aggregator.ingest import RunReport, ingest_outcome
from pluriel.aggregator.local import is_local, read_local_source
from pluriel.errors import ConfigError, StoreError
from pluriel.model import FetchOutcome
from pluriel.ops.arguments import add_arguments, resolve_redis_url
from pluriel.ops.logging import configure_logging, log_context
from pluriel.ops.metrics import METRICS, Metrics, serve_metrics
from pluriel.settings import Settings
from pluriel.store import connect, migrate, registry, resolve_database_url

if TYPE_CHECKING:
    from pluriel.crawlers.settings import CrawlOptions

__all__ = ["SCHEDULER_LOCK", "add_arguments", "cmd_scheduler", "crawl_due", "run_scheduler"]

log = logging.getLogger(__name__)
Conn = psycopg.Connection[dict[str, Any]]

#: The advisory lock key held during a pass (the migrator uses 7231001).
SCHEDULER_LOCK = 7231002
FAILED = "failed"
#: Seconds a pass waits for crawl workers before the sources they did not finish fail.
DISPATCH_TIMEOUT = 1800.0


@contextmanager
def _scheduler_lock(conn: Conn) -> Iterator[bool]:
    """Hold the session-level lock for the block; yields False when another process has it."""
    row = conn.execute("select pg_try_advisory_lock(%s) as got", (SCHEDULER_LOCK,)).fetchone()
    conn.commit()
    got = bool(row and row["got"])
    try:
        yield got
    finally:
        if got and not conn.closed:
            conn.execute("select pg_advisory_unlock(%s)", (SCHEDULER_LOCK,))
            conn.commit()


def crawl_due(
    conn: Conn,
    settings: Settings,
    *,
    now: datetime | None = None,
    metrics: Metrics | None = None,
    allowed_hosts: frozenset[str] = frozenset(),
    options: CrawlOptions | None = None,
    redis_url: str | None = None,
    dispatch_timeout: float = DISPATCH_TIMEOUT,
) -> list[RunReport] | None:
    """One pass over the sources due at ``now``; None when another scheduler holds the lock.

    With ``redis_url``, remote sources are queued for crawl workers and a
    source no worker finished within ``dispatch_timeout`` seconds fails this
    pass (and is due again at the next).
    """
    counted = metrics or METRICS
    with _scheduler_lock(conn) as got:
        if not got:
            log.info("another scheduler is crawling; this pass is skipped")
            return None
        specs = registry.load_sources(conn, due_at=now or datetime.now(UTC))
        by_id = {spec.id: spec for spec in specs}
        reports: list[RunReport] = []

        def sink(outcome: FetchOutcome) -> None:
            spec = by_id[outcome.source_id]
            with log_context(source_id=spec.id):
                report = ingest_outcome(conn, spec, outcome)
                counted.observe_run(
                    report.status,
                    new=report.new,
                    updated=report.updated,
                    unchanged=report.unchanged,
                    removed=report.removed,
                    errors=report.errors,
                )
                log.log(
                    logging.WARNING if report.status == FAILED else logging.INFO,
                    report.summary(),
                    extra={
                        "source_id": spec.id,
                        "run_id": report.run_id,
                        "status": report.status,
                        "url": spec.url,
                        "new": report.new,
                        "updated": report.updated,
                        "unchanged": report.unchanged,
                        "removed": report.removed,
                        "errors": report.errors,
                    },
                )
            reports.append(report)

        if specs:
            log.info("%d sources due", len(specs), extra={"sources": [s.id for s in specs]})
        for spec in specs:
            if is_local(spec):
                sink(read_local_source(spec, settings=settings))
        remote = [spec for spec in specs if not is_local(spec)]
        if remote and redis_url:
            from pluriel.crawlers.distributed import dispatch

            dispatch(remote, redis_url=redis_url, sink=sink, timeout=dispatch_timeout)
        elif remote:
            # Inline: Scrapy and Twisted load only when a remote source is due.
            from pluriel.crawlers import run_crawl

            run_crawl(
                remote, settings=settings, sink=sink, allowed_hosts=allowed_hosts, options=options
            )
        return reports


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM/SIGINT set ``stop``; only the main thread may install handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(signum: int, frame: FrameType | None) -> None:
        log.info("signal %s: stopping after the pass under way", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_scheduler(
    settings: Settings,
    *,
    interval: timedelta,
    once: bool = False,
    stop: threading.Event | None = None,
    metrics: Metrics | None = None,
    allowed_hosts: frozenset[str] = frozenset(),
    options: CrawlOptions | None = None,
    redis_url: str | None = None,
    dispatch_timeout: float = DISPATCH_TIMEOUT,
) -> int:
    """Crawl due sources every ``interval`` until stopped; with ``once``, one pass.

    With ``redis_url``, crawl workers fetch the remote sources (see :func:`crawl_due`).

    Returns 0, or 1 when ``once`` and a source failed or the database could
    not be reached (so a CronJob shows the failure). In the loop a failed
    pass is logged and the next one comes at the usual time.
    """
    if interval <= timedelta(0):
        raise ConfigError(f"the scheduler interval must be positive, not {interval}")
    stopping = stop or threading.Event()
    url = resolve_database_url(settings)
    migrated = False
    with _stop_on_signals(stopping) if stop is None else nullcontext():
        while True:
            started = time.monotonic()
            ok = True
            try:
                with connect(url) as conn:
                    if not migrated:
                        migrate(conn)
                        conn.commit()
                        migrated = True
                    reports = crawl_due(
                        conn,
                        settings,
                        metrics=metrics,
                        allowed_hosts=allowed_hosts,
                        options=options,
                        redis_url=redis_url,
                        dispatch_timeout=dispatch_timeout,
                    )
                ok = all(r.status != FAILED for r in reports or [])
            except (psycopg.Error, StoreError) as exc:
                log.error("crawl pass failed: %s", exc)
                ok = False
            if once:
                return 0 if ok else 1
            wait = interval.total_seconds() - (time.monotonic() - started)
            if stopping.wait(max(wait, 0.0)):
                log.info("scheduler stopped")
                return 0


def cmd_scheduler(args: argparse.Namespace, settings: Settings) -> int:
    """``pluriel scheduler``: wire this as the sub-command's ``func``."""
    configure_logging(json=args.log_format == "json", level=args.log_level)
    server = (
        serve_metrics(port=args.metrics_port, host=args.metrics_host) if args.metrics_port else None
    )
    try:
        return run_scheduler(
            settings,
            interval=timedelta(seconds=args.interval),
            once=args.once,
            redis_url=resolve_redis_url(args),
            dispatch_timeout=args.dispatch_timeout,
        )
    finally:
        if server is not None:
            server.shutdown()
