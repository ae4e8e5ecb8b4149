"""``pluriel crawl-worker``: crawl the jobs a scheduler queued in Redis, on any machine.

A worker needs Redis and the web, never PostgreSQL: the scheduler that
queued the jobs ingests what comes back. Run as many as the crawl needs.
"""

from __future__ import annotations

import argparse

from pluriel.errors import ConfigError
from pluriel.ops.arguments import REDIS_URL_VARIABLE, resolve_redis_url
from pluriel.ops.logging import configure_logging
from pluriel.settings import Settings

__all__ = ["cmd_crawl_worker"]


def cmd_crawl_worker(args: argparse.Namespace, settings: Settings) -> int:
    """``pluriel crawl-worker``: wire this as the sub-command's ``func``."""
    url = resolve_redis_url(args)
    if not url:
        raise ConfigError(f"a crawl worker needs --redis-url or {REDIS_URL_VARIABLE}")
    configure_logging(json=args.log_format == "json", level=args.log_level)
    # Inline: the parser must build without Redis, Scrapy or Twisted loaded.
    from pluriel.crawlers.distributed import run_worker

    run_worker(
        redis_url=url,
        settings=settings,
        batch_size=args.batch_size,
        lease=args.lease,
        max_jobs=args.max_jobs,
        idle_exit=args.idle_exit,
    )
    return 0
