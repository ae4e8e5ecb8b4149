"""The crawl queue's layout in Redis, and the recovery of a dead worker's jobs.

Keys (prefix ``pluriel:crawl``)::

    jobs                 list   jobs waiting; the dispatcher LPUSHes, workers pop from the right
    processing:<worker>  list   jobs a worker has taken (BLMOVE from ``jobs``), until it replies
    worker:<worker>      string the worker's lease: renewed every third of it while it lives
    workers              set    every worker that may hold jobs
    requeues             hash   job id -> how many times a dead worker's copy went back
    results:<batch>      list   one dispatch's outcomes; expires a day after the last push

A worker that stops renewing its lease (killed, frozen, cut off) is dead
once the lease expires: whoever notices first (the dispatcher while it waits,
any idle worker) moves its ``processing`` list back onto ``jobs``, where
another worker takes it. A worker that was only slow and comes back may
still reply; the dispatcher keeps the first outcome per source and drops
the other, so every source still gets exactly one.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import redis

from pluriel.crawlers.distributed.codec import CodecError, from_jsonable, to_jsonable
from pluriel.model import SourceSpec

__all__ = [
    "KEYS",
    "MAX_REQUEUES",
    "RESULTS_TTL",
    "Job",
    "Keys",
    "connect",
    "decode_job",
    "encode_job",
    "requeue_dead",
]

log = logging.getLogger(__name__)

#: A job whose worker died this many times is not crawled again; it gets an error outcome.
MAX_REQUEUES: Final = 2
#: Seconds a results list outlives its last push (a reply to a dispatcher that gave up).
RESULTS_TTL: Final = 86_400


@dataclass(frozen=True, slots=True)
class Keys:
    prefix: str = "pluriel:crawl"

    @property
    def jobs(self) -> str:
        return f"{self.prefix}:jobs"

    @property
    def workers(self) -> str:
        return f"{self.prefix}:workers"

    @property
    def requeues(self) -> str:
        return f"{self.prefix}:requeues"

    def processing(self, worker: str) -> str:
        return f"{self.prefix}:processing:{worker}"

    def lease(self, worker: str) -> str:
        return f"{self.prefix}:worker:{worker}"

    def results(self, batch: str) -> str:
        return f"{self.prefix}:results:{batch}"


KEYS: Final = Keys()


@dataclass(frozen=True, slots=True, kw_only=True)
class Job:
    """One source to crawl, and where its outcome goes.

    ``now`` is the readers' clock (recurrence horizons) when the dispatcher
    fixes it, as :func:`~pluriel.crawlers.run_crawl` allows.
    """

    id: str
    reply_to: str
    spec: SourceSpec
    now: datetime | None = None


def encode_job(job: Job) -> str:
    return json.dumps(to_jsonable(job), ensure_ascii=False, separators=(",", ":"))


def decode_job(raw: str | bytes) -> Job:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CodecError(f"job: not JSON ({exc})") from exc
    job: Job = from_jsonable(Job, data, "job")
    return job


def connect(url: str, *, blocking: float = 1.0) -> redis.Redis:
    """A client with strings in and out, whose socket outlasts a ``blocking``-second wait."""
    client: redis.Redis = redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_timeout=blocking + 10,
        socket_connect_timeout=10,
        health_check_interval=30,
    )
    return client


def requeue_dead(client: redis.Redis, *, keys: Keys = KEYS) -> int:
    """Give the jobs of every worker whose lease expired back to the queue; how many moved."""
    moved = 0
    members: Any = client.smembers(keys.workers)
    for member in sorted(members):
        worker = str(member)
        if client.exists(keys.lease(worker)):
            continue
        count = 0
        while (
            raw := client.lmove(keys.processing(worker), keys.jobs, "LEFT", "RIGHT")
        ) is not None:
            # To the right end: workers pop from there, so a recovered job goes next.
            count += 1
            try:
                client.hincrby(keys.requeues, decode_job(raw).id, 1)
            except CodecError:
                continue
        client.srem(keys.workers, worker)
        if count:
            log.warning("worker %s stopped; %d of its jobs went back to the queue", worker, count)
        moved += count
    return moved
