"""Per-minute budgets of query-cost points, as token buckets.

Each client (a portal's API key, or an anonymous client's IP address) owns a
bucket holding at most ``per_minute`` points, refilled continuously at
``per_minute / 60`` points a second. A query takes its cost from the bucket;
when the bucket holds less, the answer is 429 with the seconds until it will
hold enough.

The buckets live in this process: right for one node. Several API nodes
would each grant the full budget; share the buckets (Redis, or the cache in
front) before scaling out. Anonymous clients are keyed by the address the
ASGI server reports, so run uvicorn with ``--proxy-headers`` (and
``--forwarded-allow-ips``) behind a reverse proxy. The table of buckets is
bounded: the least recently seen clients are forgotten first, which only
ever gives them a full bucket back.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Budgets", "Charge"]


@dataclass(frozen=True, slots=True)
class Charge:
    """The outcome of one charge: allowed, or how long to wait (whole seconds)."""

    allowed: bool
    retry_after: int = 0
    remaining: int = 0


@dataclass(slots=True)
class _Bucket:
    points: float
    at: float


class Budgets:
    def __init__(
        self,
        *,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 100_000,
    ) -> None:
        if per_minute <= 0:
            raise ValueError("a budget needs a positive number of points per minute")
        self.per_minute = per_minute
        self._rate = per_minute / 60.0
        self._clock = clock
        self._max_clients = max_clients
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def charge(self, client: str, cost: int) -> Charge:
        """Take ``cost`` points from ``client``'s bucket if it holds them."""
        now = self._clock()
        bucket = self._buckets.pop(client, None)
        if bucket is None:
            bucket = _Bucket(points=float(self.per_minute), at=now)
        else:
            bucket.points = min(self.per_minute, bucket.points + (now - bucket.at) * self._rate)
            bucket.at = now
        self._buckets[client] = bucket
        while len(self._buckets) > self._max_clients:
            self._buckets.popitem(last=False)
        if bucket.points >= cost:
            bucket.points -= cost
            return Charge(True, remaining=int(bucket.points))
        wait = math.ceil((cost - bucket.points) / self._rate)
        return Charge(False, retry_after=max(1, wait), remaining=int(bucket.points))
