"""The spider every format builds on: one source in, one :class:`FetchOutcome` out.

A source may take many requests (API pages, a listing and its detail pages),
but the aggregator wants one answer per source, so the spider gathers every
page's :class:`ReadResult` into one and hands a single outcome to ``emit``
when Scrapy closes it. Subclasses say which pages to read and how, through
two hooks, :meth:`SourceSpider.parse_page` and :meth:`SourceSpider.parse_detail`.

What counts as what:

- the first request (``spec.url``, conditional) failing is the source failing:
  an ``error`` outcome, and stored data is left alone;
- a later page failing is a per-item error, and the result is marked
  incomplete so that nothing is tombstoned because of a page we did not see;
- a 304 on the first request is ``not_modified``, never an empty feed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import Request, Response
from twisted.internet import error as twisted_errors

from pluriel.crawlers.middlewares import refused_at_connect, retry_after
from pluriel.crawlers.settings import CrawlOptions
from pluriel.errors import FeedError
from pluriel.model import (
    FeedMeta,
    FetchOutcome,
    ReadResult,
    SourceEvent,
    SourceFormat,
    SourceItemError,
    SourceSpec,
)
from pluriel.readers import ReadContext, read
from pluriel.readers.common import same_site
from pluriel.settings import Horizon

__all__ = ["CrawlJob", "Emit", "SourceSpider", "describe_failure"]

Emit = Callable[[FetchOutcome], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class CrawlJob:
    """Everything one spider needs besides Scrapy: the source, the clock and the limits."""

    spec: SourceSpec
    now: datetime
    horizon: Horizon
    options: CrawlOptions


def describe_failure(exc: BaseException, url: str, options: CrawlOptions) -> str:
    """A message for the person running the crawl, naming the URL and what went wrong."""
    if isinstance(exc, FeedError):
        return str(exc)
    if isinstance(exc, IgnoreRequest) and "robots.txt" in str(exc):
        return f"{url}: disallowed by robots.txt"
    if isinstance(exc, DownloadCancelledError):
        cap = options.max_bytes / (1024 * 1024)
        return f"{url}: the response is larger than the {cap:g} MB download cap"
    timeouts = (DownloadTimeoutError, twisted_errors.TimeoutError, twisted_errors.TCPTimedOutError)
    if isinstance(exc, timeouts):
        return f"{url}: timed out (no complete answer within {options.download_timeout:g} s)"
    if isinstance(exc, CannotResolveHostError | twisted_errors.DNSLookupError):
        return refused_at_connect(urlsplit(url).hostname) or f"{url}: cannot resolve the host"
    if isinstance(exc, DownloadConnectionRefusedError | twisted_errors.ConnectionRefusedError):
        return f"{url}: connection refused"
    detail = str(exc) or type(exc).__name__
    return f"{url}: {type(exc).__name__}: {detail}"


class SourceSpider(scrapy.Spider):
    """Base of the format spiders. One instance crawls one source."""

    name = "pluriel"
    format: ClassVar[SourceFormat]
    #: The reader for pages that ``meta.follow`` leads to.
    detail_format: ClassVar[SourceFormat] = SourceFormat.JSONLD
    #: Whether the first request carries If-None-Match / If-Modified-Since.
    conditional: ClassVar[bool] = True
    #: Whether a followed page without an event is worth an error (an event page
    #: that lost its markup); outboxes link notes and comments too, so not there.
    detail_needs_event: ClassVar[bool] = True

    def __init__(self, *, job: CrawlJob, emit: Emit, **kwargs: Any) -> None:
        super().__init__(name=f"{self.name}-{job.spec.id}", **kwargs)
        self.job = job
        self.spec = job.spec
        self.emit = emit
        self.started_at = datetime.now(UTC)
        self._events: dict[str, SourceEvent] = {}
        self._errors: list[SourceItemError] = []
        self._meta: FeedMeta | None = None
        self._failure: str | None = None
        self._status: int | None = None
        self._etag: str | None = None
        self._last_modified: str | None = None
        self._not_modified = False
        self._retry_after: timedelta | None = None
        self._checkpoint: str | None = None
        self._complete = True
        self._requested: set[str] = set()
        self._over_budget = False
        self._emitted = False

    # -- hooks ---------------------------------------------------------------------------

    def first_requests(self) -> Iterable[Request]:
        """Where the crawl starts: the source URL, conditionally."""
        request = self.request(self.spec.url, first=True)
        return [request] if request is not None else []

    def parse_page(self, response: Response) -> Iterable[Request | None]:
        """One page of the feed itself: read it, then its next page and its detail pages."""
        result = self.read(response, self.format)
        self.add(result)
        yield self.next_page(result.meta.next_url, response)
        yield from self.details(result.meta.follow, response)

    def parse_detail(self, response: Response) -> Iterable[Request | None]:
        """A page a listing pointed to: its events join the source's, its links are not followed."""
        result = self.read(response, self.detail_format)
        if self.detail_needs_event and not result.events and not result.errors:
            self._errors.append(SourceItemError(message=f"{response.url}: no event on the page"))
        self.add(result, primary=False)
        return ()

    def on_http_error(self, response: Response) -> Iterable[Request | None]:
        """A status of 400 or more (after retries). Subclasses may turn some into an ending."""
        self._retry_after = retry_after(response) or self._retry_after
        wait = f" (retry after {self._retry_after})" if self._retry_after else ""
        self.page_failed(response.request, f"{response.url}: HTTP {response.status}{wait}")
        return ()

    def on_failure(self, request: Request, message: str) -> Iterable[Request | None]:
        """A request that got no response at all (refused, timed out, disallowed)."""
        self.page_failed(request, message)
        return ()

    # -- helpers for subclasses ------------------------------------------------------------

    def context(self, url: str) -> ReadContext:
        return ReadContext(
            now=self.job.now,
            lang=self.spec.lang,
            timezone=self.spec.timezone,
            url=url,
            horizon=self.job.horizon,
        )

    def read(self, response: Response, fmt: SourceFormat) -> ReadResult:
        return read(fmt, response.body, self.context(response.url))

    def request(
        self,
        url: str,
        *,
        kind: str = "page",
        first: bool = False,
        meta: dict[str, Any] | None = None,
    ) -> Request | None:
        """A request within the source's page budget, or ``None`` (seen, or over budget)."""
        if url in self._requested:
            return None
        if len(self._requested) >= self.job.options.max_pages:
            if not self._over_budget:
                cap = self.job.options.max_pages
                self.truncate(f"stopped after {cap} pages; {url} and any later pages not read")
            self._over_budget = True
            return None
        self._requested.add(url)
        headers: dict[str, str] = {}
        if first and self.conditional:
            if self.spec.etag:
                headers["If-None-Match"] = self.spec.etag
            if self.spec.last_modified:
                headers["If-Modified-Since"] = self.spec.last_modified
        return Request(
            url,
            callback=self._on_response,
            errback=self._on_failure,
            headers=headers,
            meta={"pluriel_kind": kind, "pluriel_first": first, **(meta or {})},
            dont_filter=True,
        )

    def next_page(self, url: str | None, response: Response) -> Request | None:
        if not url or url == response.url:
            return None
        return self.request(url)

    def details(self, links: Iterable[str], response: Response) -> Iterator[Request | None]:
        for link in links:
            if same_site(link, response.url):
                yield self.request(link, kind="detail")

    def add(self, result: ReadResult, *, primary: bool = True) -> None:
        """Merge one page's result; the first primary page's meta describes the feed."""
        if primary and self._meta is None:
            self._meta = result.meta
        if not result.meta.complete:
            self._complete = False
        self._errors.extend(result.errors)
        cap = self.job.options.max_items
        for event in result.events:
            if event.external_id not in self._events and len(self._events) >= cap:
                self.truncate(f"stopped after {cap} events")
                break
            # A detail page describes its event better than the listing that linked it.
            self._events[event.external_id] = event

    def truncate(self, message: str) -> None:
        if not any(error.message == message for error in self._errors):
            self._errors.append(SourceItemError(message=message))
        self._complete = False

    def page_failed(self, request: Request | None, message: str) -> None:
        """The first page failing fails the source; a later one makes the result partial."""
        if request is not None and request.meta.get("pluriel_first"):
            self._failure = message
        else:
            self.item_failed(message)

    def item_failed(self, message: str, *, external_id: str | None = None) -> None:
        """Something the result lacks: a per-item error, and no tombstones this time."""
        self._errors.append(SourceItemError(message=message, external_id=external_id))
        self._complete = False

    def set_checkpoint(self, url: str | None) -> None:
        self._checkpoint = url

    # -- Scrapy plumbing --------------------------------------------------------------------

    async def start(self) -> Any:
        for request in self.first_requests():
            yield request

    def _on_response(self, response: Response) -> Iterator[Request]:
        first = bool(response.meta.get("pluriel_first"))
        if first:
            self._status = response.status
            self._etag = _header(response, b"ETag")
            self._last_modified = _header(response, b"Last-Modified")
            if response.status == 304:
                self._not_modified = True
                return
        if response.status >= 300:
            outcome: Iterable[Request | None] = self.on_http_error(response)
        else:
            hook = self.parse_detail if response.meta.get("pluriel_kind") == "detail" else None
            try:
                outcome = list((hook or self.parse_page)(response))
            except FeedError as exc:
                message = str(exc) if response.url in str(exc) else f"{response.url}: {exc}"
                self.page_failed(response.request, message)
                outcome = ()
        yield from (request for request in outcome if request is not None)

    def _on_failure(self, failure: Any) -> Iterator[Request]:
        request: Request = failure.request
        message = describe_failure(failure.value, request.url, self.job.options)
        yield from (r for r in self.on_failure(request, message) if r is not None)

    def closed(self, reason: str) -> None:
        if not self._emitted:
            self._emitted = True
            self.emit(self.outcome(reason))

    def outcome(self, reason: str = "finished") -> FetchOutcome:
        if reason != "finished" and self._failure is None:
            if self._meta is None and not self._not_modified:
                self._failure = (
                    f"{self.spec.url}: crawl stopped ({reason}) before the feed was read"
                )
            else:
                self.truncate(f"crawl stopped early ({reason}); the result is partial")
        outcome = FetchOutcome(
            source_id=self.spec.id,
            started_at=self.started_at,
            http_status=self._status,
            retry_after=self._retry_after,
        )
        if self._failure is not None:
            return replace(outcome, error=self._failure)
        if self._not_modified:
            return replace(
                outcome,
                not_modified=True,
                etag=self._etag or self.spec.etag,
                last_modified=self._last_modified or self.spec.last_modified,
                checkpoint=self.spec.checkpoint,
            )
        if self._meta is None:
            return replace(outcome, error=f"{self.spec.url}: nothing was read")
        meta = FeedMeta(
            name=self._meta.name,
            refresh_interval=self._meta.refresh_interval,
            timezone=self._meta.timezone,
            next_url=self._checkpoint,
            complete=self._complete,
        )
        events = tuple(self._events.values())
        return replace(
            outcome,
            result=ReadResult(events=events, errors=tuple(self._errors), meta=meta),
            etag=self._etag,
            last_modified=self._last_modified,
            checkpoint=self._checkpoint,
            complete=self._complete,
        )


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
