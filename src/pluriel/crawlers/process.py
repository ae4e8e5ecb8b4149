"""Crawling from the command line, the demo and tests: Scrapy in a child process.

Twisted's reactor cannot be restarted, and one pluriel process crawls many
times (``pluriel crawl`` on a schedule, the demo, the test suite), so each
call of :func:`run_crawl` starts a fresh interpreter (multiprocessing
"spawn") that runs Scrapy once and streams one :class:`FetchOutcome` per
source back through a queue. The parent hands each outcome to ``sink`` as it
arrives, so a slow source never holds back the others' transactions.

Every spec gets exactly one outcome: if the child dies or the whole crawl
runs out of time, the sources it had not finished get an error outcome.
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from time import monotonic
from typing import Any

from pluriel.crawlers.settings import CrawlOptions
from pluriel.model import FetchOutcome, SourceSpec
from pluriel.settings import Settings

__all__ = ["Sink", "run_crawl"]

Sink = Callable[[FetchOutcome], None]


def _child_entry(
    specs: list[SourceSpec],
    settings: Settings,
    now: datetime | None,
    options: CrawlOptions,
    outbox: Any,
) -> None:
    # Imported here, in the child only: the parent never loads Scrapy or a reactor.
    from pluriel.crawlers.child import crawl_here

    crawl_here(specs, settings=settings, now=now, options=options, emit=outbox.put)


def run_crawl(
    specs: Sequence[SourceSpec],
    *,
    settings: Settings,
    sink: Sink,
    now: datetime | None = None,
    allowed_hosts: frozenset[str] = frozenset(),
    options: CrawlOptions | None = None,
) -> None:
    """Crawl every source once; call ``sink`` once per source, in the order they finish.

    ``now`` is the readers' clock (recurrence horizons); ``allowed_hosts``
    lets named hosts through the private-network check (the demo's own
    fixture site); ``options`` shrinks or widens the limits.
    """
    unique = list({spec.id: spec for spec in specs}.values())
    if not unique:
        return
    opts = options or CrawlOptions()
    if allowed_hosts:
        opts = replace(opts, allowed_hosts=opts.allowed_hosts | allowed_hosts)
    started = datetime.now(UTC)
    pending = {spec.id: spec for spec in unique}
    context = multiprocessing.get_context("spawn")
    outbox = context.Queue()
    child = context.Process(
        target=_child_entry,
        args=(unique, settings, now, opts, outbox),
        name="pluriel-crawl",
        daemon=True,
    )
    child.start()
    deadline = monotonic() + opts.overall_timeout
    try:
        while pending and monotonic() < deadline:
            try:
                outcome = outbox.get(timeout=min(1.0, max(deadline - monotonic(), 0.01)))
            except queue_module.Empty:
                if child.is_alive():
                    continue
                _drain(outbox, pending, sink)
                break
            if isinstance(outcome, FetchOutcome) and outcome.source_id in pending:
                del pending[outcome.source_id]
                sink(outcome)
    finally:
        _stop(child, graceful=not pending)
    if not pending:
        return
    if monotonic() >= deadline:
        reason = f"the crawl did not finish within {opts.overall_timeout:g} s"
    else:
        reason = f"the crawler process ended unexpectedly (exit code {child.exitcode})"
    for spec in pending.values():
        sink(FetchOutcome(source_id=spec.id, started_at=started, error=f"{spec.url}: {reason}"))


def _drain(outbox: Any, pending: dict[int, SourceSpec], sink: Sink) -> None:
    """Outcomes the child sent just before it exited."""
    while pending:
        try:
            outcome = outbox.get(timeout=0.2)
        except queue_module.Empty:
            return
        if isinstance(outcome, FetchOutcome) and outcome.source_id in pending:
            del pending[outcome.source_id]
            sink(outcome)


def _stop(child: Any, *, graceful: bool) -> None:
    """Let a finished child exit on its own; end one that is stuck or no longer wanted."""
    child.join(timeout=10 if graceful else 0.1)
    if child.is_alive():
        child.terminate()
        child.join(timeout=5)
    if child.is_alive():
        child.kill()
        child.join()
