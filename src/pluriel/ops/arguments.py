"""The options of ``pluriel scheduler``, importable without the scheduler itself.

The command line builds its parser on every call; importing the scheduler
there would import the metrics module, which must not happen before
``serve`` has prepared Prometheus' multiprocess directory.
"""

from __future__ import annotations

import argparse

__all__ = ["add_arguments"]


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
    parser.add_argument("--log-format", choices=["json", "text"], default="text")
    parser.add_argument("--log-level", default="info")
