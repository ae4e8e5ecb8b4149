"""The child side of :func:`pluriel.crawlers.run_crawl`: one Scrapy run, outcomes streamed out.

Sources on the same host are crawled one after another (so "two requests
per domain" holds across sources, and robots.txt is fetched once per
crawler), sources on different hosts in parallel.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Generator
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from twisted.internet.defer import Deferred, DeferredList, inlineCallbacks
from twisted.internet.error import ReactorNotRunning

from pluriel.crawlers.base import CrawlJob, SourceSpider
from pluriel.crawlers.registry import spider_for
from pluriel.crawlers.settings import CrawlOptions, scrapy_settings
from pluriel.errors import PlurielError
from pluriel.model import FetchOutcome, SourceSpec
from pluriel.settings import Settings

__all__ = ["crawl_here"]


def crawl_here(
    specs: list[SourceSpec],
    *,
    settings: Settings,
    now: datetime | None,
    options: CrawlOptions,
    emit: Callable[[FetchOutcome], None],
) -> None:
    """Crawl ``specs`` in this process (whose reactor is then spent); emit one outcome each."""
    started = datetime.now(UTC)
    emitted: set[int] = set()

    def once(outcome: FetchOutcome) -> None:
        if outcome.source_id not in emitted:
            emitted.add(outcome.source_id)
            emit(outcome)

    def fail(spec: SourceSpec, message: str) -> None:
        once(FetchOutcome(source_id=spec.id, started_at=started, error=message))

    groups: dict[str, list[tuple[SourceSpec, type[SourceSpider]]]] = defaultdict(list)
    for spec in specs:
        try:
            groups[urlsplit(spec.url).netloc.lower()].append((spec, spider_for(spec)))
        except PlurielError as exc:
            fail(spec, str(exc))
    if not groups:
        return
    process = CrawlerProcess(scrapy_settings(settings, options))

    @inlineCallbacks
    def crawl_group(
        group: list[tuple[SourceSpec, type[SourceSpider]]],
    ) -> Generator[Deferred[Any], Any, None]:
        for spec, spider in group:
            job = CrawlJob(
                spec=spec, now=now or datetime.now(UTC), horizon=settings.horizon, options=options
            )
            try:
                yield process.crawl(spider, job=job, emit=once)
            except Exception as exc:  # one broken crawler must not stop the others
                fail(spec, f"{spec.url}: the crawler failed: {type(exc).__name__}: {exc}")
            if spec.id not in emitted:
                fail(spec, f"{spec.url}: the crawl ended without a result")

    runs = DeferredList([crawl_group(group) for group in groups.values()], consumeErrors=True)
    # The first process.crawl() above installed the reactor Scrapy is configured for.
    from twisted.internet import reactor

    def stop(_: object) -> None:
        # On SIGTERM (run_crawl's overall timeout) Scrapy stops the reactor first.
        with suppress(ReactorNotRunning):
            cast(Any, reactor).stop()

    runs.addBoth(stop)
    process.start(stop_after_crawl=False)
