"""How pluriel crawls: the limits of one crawl and the Scrapy settings that enforce them.

Politeness and safety live here, in one place, so every spider gets them:
robots.txt obeyed, AutoThrottle on, at most two requests at a time per
domain, a User-Agent naming pluriel with a contact URL, a 10 MB size cap,
timeouts and retries that back off.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pluriel.settings import Settings

__all__ = ["CrawlOptions", "scrapy_settings"]

MB = 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class CrawlOptions:
    """Limits of one crawl; the defaults are production values, tests shrink them."""

    allowed_hosts: frozenset[str] = frozenset()  # hosts allowed whatever they resolve to
    max_pages: int = 200  # per source: listing pages, API pages and detail pages together
    max_items: int = 10_000  # per source
    max_bytes: int = 10 * MB  # per response
    download_timeout: float = 30.0  # per request, seconds
    retries: int = 2
    retry_backoff: float = 2.0  # seconds before the first retry, doubled each time
    throttle_start_delay: float = 1.0  # AutoThrottle's first delay per domain, seconds
    throttle_max_delay: float = 30.0
    source_timeout: float = 600.0  # one source's whole crawl, seconds
    overall_timeout: float = 3600.0  # the whole run_crawl call, seconds


def scrapy_settings(settings: Settings, options: CrawlOptions) -> dict[str, Any]:
    """The Scrapy settings of every pluriel crawler."""
    return {
        "BOT_NAME": "pluriel",
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": True,
        "ROBOTSTXT_USER_AGENT": "pluriel",
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": options.throttle_start_delay,
        "AUTOTHROTTLE_MAX_DELAY": options.throttle_max_delay,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "DOWNLOAD_MAXSIZE": options.max_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "DOWNLOAD_TIMEOUT": options.download_timeout,
        "DNS_TIMEOUT": options.download_timeout,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": options.retries,
        # Giving up is reported in the outcome, which the run record and the CLI show.
        "RETRY_GIVE_UP_LOG_LEVEL": "WARNING",
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "PLURIEL_RETRY_BACKOFF": options.retry_backoff,
        "PLURIEL_ALLOW_PRIVATE_NETWORKS": settings.allow_private_networks,
        "PLURIEL_ALLOWED_HOSTS": sorted(options.allowed_hosts),
        "HTTPERROR_ALLOW_ALL": True,  # spiders turn statuses into outcomes themselves
        "REDIRECT_MAX_TIMES": 5,
        "METAREFRESH_ENABLED": False,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "CLOSESPIDER_TIMEOUT": options.source_timeout,
        "LOG_LEVEL": "ERROR",
        "LOG_INSTALL_ROOT_HANDLER": True,
        # Only the web: file://, s3:// and friends are never fetched.
        "DOWNLOAD_HANDLERS": {"file": None, "s3": None, "ftp": None, "data": None},
        "DOWNLOADER_MIDDLEWARES": {
            "pluriel.crawlers.middlewares.SafetyMiddleware": 50,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "pluriel.crawlers.middlewares.BackoffRetryMiddleware": 550,
        },
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "TWISTED_DNS_RESOLVER": "pluriel.crawlers.middlewares.SafeResolver",
    }
