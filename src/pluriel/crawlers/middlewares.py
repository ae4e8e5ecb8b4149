"""Downloader middlewares: the safety check on every hop, and retries that back off.

Both read their configuration from the crawler's Scrapy settings (filled in
by :func:`pluriel.crawlers.settings.scrapy_settings`), the only channel
Scrapy gives middlewares.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import partial

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Request, Response
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.misc import load_object
from twisted.internet.base import ReactorBase
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from pluriel.crawlers.safety import check_resolved, check_target
from pluriel.errors import FeedRefusedError

__all__ = [
    "BackoffRetryMiddleware",
    "SafeResolver",
    "SafetyMiddleware",
    "refused_at_connect",
    "retry_after",
]

logger = logging.getLogger(__name__)


class SafetyMiddleware:
    """Refuses requests to non-public addresses, before the first request and on each redirect.

    Redirects come back through the scheduler as new requests, so checking
    every request here checks every hop; so is the robots.txt request. The
    lookup runs in a thread: ``getaddrinfo`` blocks.
    """

    def __init__(self, *, allow_private: bool, allowed_hosts: frozenset[str]) -> None:
        self.allow_private = allow_private
        self.allowed_hosts = allowed_hosts

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SafetyMiddleware:
        settings = crawler.settings
        return cls(
            allow_private=settings.getbool("PLURIEL_ALLOW_PRIVATE_NETWORKS"),
            allowed_hosts=frozenset(settings.getlist("PLURIEL_ALLOWED_HOSTS")),
        )

    async def process_request(self, request: Request) -> None:
        check = partial(
            check_target,
            request.url,
            allow_private=self.allow_private,
            allowed_hosts=self.allowed_hosts,
        )
        await asyncio.get_running_loop().run_in_executor(None, check)


def retry_after(response: Response, *, now: datetime | None = None) -> timedelta | None:
    """The wait a ``Retry-After`` header asks for (seconds or an HTTP date), if any."""
    raw = response.headers.get(b"Retry-After")
    if not raw:
        return None
    value = raw.decode("latin-1").strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when - (now or datetime.now(UTC)), timedelta(0))


class BackoffRetryMiddleware:
    """Scrapy's retries, spaced out exponentially, and never against a ``Retry-After``.

    Replaces Scrapy's ``RetryMiddleware`` (same settings, same ``retry_times``
    meta), adding the wait between attempts. A server that says when to come
    back is not asked again in the same crawl: the response goes through and
    the crawl reports the wait, which the aggregator schedules with.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.max_retry_times = settings.getint("RETRY_TIMES")
        self.retry_http_codes = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        self.exceptions_to_retry = tuple(
            load_object(path) if isinstance(path, str) else path
            for path in settings.getlist("RETRY_EXCEPTIONS")
        )
        self.backoff = settings.getfloat("PLURIEL_RETRY_BACKOFF")
        self.give_up_log_level = settings["RETRY_GIVE_UP_LOG_LEVEL"]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        return cls(crawler)

    async def _retry(self, request: Request, reason: str | Exception) -> Request | None:
        spider = self.crawler.spider
        if spider is None:
            return None
        retry: Request | None = get_retry_request(
            request,
            spider=spider,
            reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            give_up_log_level=self.give_up_log_level,
        )
        if retry is not None:
            attempt = int(retry.meta.get("retry_times", 1))
            delay = self.backoff * (2 ** max(attempt - 1, 0))
            if delay > 0:
                await asyncio.sleep(delay)
        return retry

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        if retry_after(response) is not None:
            return response
        return await self._retry(request, f"HTTP {response.status}") or response

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if request.meta.get("dont_retry", False):
            return None
        if not isinstance(exception, self.exceptions_to_retry):
            return None
        return await self._retry(request, exception)


class SafeResolver(CachingThreadedResolver):
    """Scrapy's DNS resolver, refusing non-public answers at connection time.

    :class:`SafetyMiddleware` checks a request's host before it is queued;
    this checks the address the download actually connects to, so a name
    that changes its answer in between (DNS rebinding) is still refused.
    """

    def __init__(
        self,
        reactor: ReactorBase,
        cache_size: int,
        timeout: float,
        *,
        allow_private: bool,
        allowed_hosts: frozenset[str],
    ) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.allow_private = allow_private
        self.allowed_hosts = allowed_hosts

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: ReactorBase) -> SafeResolver:
        settings = crawler.settings
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        return cls(
            reactor,
            cache_size,
            settings.getfloat("DNS_TIMEOUT"),
            allow_private=settings.getbool("PLURIEL_ALLOW_PRIVATE_NETWORKS"),
            allowed_hosts=frozenset(settings.getlist("PLURIEL_ALLOWED_HOSTS")),
        )

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        answer: Deferred[str] = super().getHostByName(name, timeout)
        answer.addCallback(self._checked, name)
        return answer

    def _checked(self, address: str, name: str) -> str:
        try:
            check_resolved(
                name, address, allow_private=self.allow_private, allowed_hosts=self.allowed_hosts
            )
        except FeedRefusedError as exc:
            logger.warning("%s", exc)
            _REFUSED[name.lower()] = str(exc)
            # Twisted treats a lookup error as "no address" quietly; the message is kept above.
            raise DNSLookupError(str(exc)) from None
        return address


# Names the resolver refused in this (child) process, so that the download's
# "no address" failure can be reported as the refusal it really was.
_REFUSED: dict[str, str] = {}


def refused_at_connect(host: str | None) -> str | None:
    """The refusal message for ``host`` if :class:`SafeResolver` refused its address."""
    return _REFUSED.get(host.lower()) if host else None
