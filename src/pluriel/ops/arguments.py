"""The options of ``pluriel scheduler`` and ``pluriel crawl-worker``, importable on their own.

The command line builds its parser on every call; importing the scheduler
there would import the metrics module, which must not happen before
``serve`` has prepared Prometheus' multiprocess directory — and the worker
would import Redis and the crawlers for nothing.
"""

from __future__ import annotations

import argparse
import os

__all__ = ["REDIS_URL_VARIABLE", "add_arguments", "add_worker_arguments", "resolve_redis_url"]

#: Where ``--redis-url`` is read from when it is not given.
REDIS_URL_VARIABLE = "PLURIEL_REDIS_URL"


def _logging(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--log-format", choices=["json", "text"], default="text")
    parser.add_argument("--log-level", default="info")


def _redis(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument(
        "--redis-url", metavar="URL", help=f"{help} (default ${REDIS_URL_VARIABLE})"
    )


def resolve_redis_url(args: argparse.Namespace) -> str | None:
    """``--redis-url``, else the environment's, else None (crawl here)."""
    given: str | None = args.redis_url
    return given or os.environ.get(REDIS_URL_VARIABLE) or None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``pluriel scheduler``."""
    parser.add_argument(
        "--interval",
        type=int,
        default=300,
        metavar="SECONDS",
        help="seconds between passes (default 300); each source keeps its own refresh interval",
    )
    parser.add_argument("--once", action="store_true", help="one pass, then exit (for a CronJob)")
    parser.add_argument(
        "--metrics-port", type=int, metavar="PORT", help="serve Prometheus metrics on this port"
    )
    parser.add_argument("--metrics-host", default="127.0.0.1", help="address for --metrics-port")
    _redis(parser, "queue remote sources in this Redis for `pluriel crawl-worker`s")
    parser.add_argument(
        "--dispatch-timeout",
        type=float,
        default=1800.0,
        metavar="SECONDS",
        help="with --redis-url: a source no worker finished by then fails this pass (default 1800)",
    )
    _logging(parser)


def add_worker_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``pluriel crawl-worker``."""
    _redis(parser, "take crawl jobs from this Redis")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=8,
        metavar="N",
        help="jobs crawled together in one Scrapy run (default 8)",
    )
    parser.add_argument(
        "--lease",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="a worker silent this long is dead and its jobs go to another (default 30)",
    )
    parser.add_argument("--max-jobs", type=int, metavar="N", help="exit after N jobs")
    parser.add_argument(
        "--idle-exit", type=float, metavar="SECONDS", help="exit after this long without a job"
    )
    _logging(parser)
