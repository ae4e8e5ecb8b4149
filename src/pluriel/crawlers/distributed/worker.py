"""A crawl worker: take jobs from Redis, crawl them with :func:`run_crawl`, push the outcomes back.

A worker holds a lease (a key that expires) and renews it from a thread
while it lives, so a worker that is killed mid-crawl loses its jobs to the
next one after at most one lease. It takes up to ``batch_size`` jobs at a
time — one Scrapy run crawls them together, keeping two requests per host
across them — and replies per source as soon as that source is done.

SIGTERM and SIGINT finish the batch under way and then stop: the batch is
bounded by the crawl's own timeouts, so a pod's grace period covers it.
Workers never see PostgreSQL: only the dispatcher's side ingests.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from time import monotonic
from types import FrameType
from typing import Any
from uuid import uuid4

import redis

from pluriel.crawlers.distributed.codec import CodecError, encode_outcome
from pluriel.crawlers.distributed.queue import (
    KEYS,
    MAX_REQUEUES,
    RESULTS_TTL,
    Job,
    Keys,
    connect,
    decode_job,
    requeue_dead,
)
from pluriel.crawlers.process import run_crawl
from pluriel.crawlers.settings import CrawlOptions
from pluriel.errors import ConfigError
from pluriel.model import FetchOutcome
from pluriel.settings import Settings

__all__ = ["run_worker"]

log = logging.getLogger(__name__)

#: Seconds one blocking wait for a job lasts, so that a stop request is seen that soon.
WAIT = 1


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM/SIGINT set ``stop``; only the main thread may install handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(signum: int, frame: FrameType | None) -> None:
        log.info("signal %s: stopping after the batch under way", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def _lease(client: redis.Redis, keys: Keys, worker: str, seconds: float) -> Iterator[None]:
    """Hold the worker's lease for the block, renewed every third of it."""
    ms = max(int(seconds * 1000), 100)
    done = threading.Event()

    def renew() -> None:
        # The lease is set before the worker joins the set: a reaper never sees a member
        # without a lease that is not dead.
        pipe = client.pipeline(transaction=True)
        pipe.set(keys.lease(worker), "1", px=ms)
        pipe.sadd(keys.workers, worker)
        pipe.execute()

    def loop() -> None:
        while not done.wait(seconds / 3):
            try:
                renew()
            except redis.RedisError as exc:
                log.warning("could not renew the lease of %s: %s", worker, exc)

    renew()
    thread = threading.Thread(target=loop, name=f"lease-{worker}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=5)
        try:
            if not client.llen(keys.processing(worker)):
                client.srem(keys.workers, worker)
                client.delete(keys.lease(worker))
        except redis.RedisError as exc:
            log.warning("could not sign %s off: %s", worker, exc)


def run_worker(
    *,
    redis_url: str,
    settings: Settings,
    allowed_hosts: frozenset[str] = frozenset(),
    options: CrawlOptions | None = None,
    max_jobs: int | None = None,
    idle_exit: float | None = None,
    batch_size: int = 8,
    lease: float = 30.0,
    stop: threading.Event | None = None,
    name: str | None = None,
    keys: Keys = KEYS,
) -> int:
    """Crawl queued jobs until stopped; returns how many jobs this worker answered.

    ``max_jobs`` ends the worker after that many (a Kubernetes Job that
    should not live forever), ``idle_exit`` after that many seconds without
    work. ``stop`` replaces the signal handlers (a worker in a thread).
    """
    if batch_size < 1 or lease <= 0:
        raise ConfigError("a worker needs batch_size >= 1 and a positive lease")
    worker = name or f"{socket.gethostname()}-{os.getpid()}-{uuid4().hex[:6]}"
    stopping = stop or threading.Event()
    client = connect(redis_url, blocking=WAIT)
    answered = 0
    try:
        with (
            _stop_on_signals(stopping) if stop is None else nullcontext(),
            _lease(client, keys, worker, lease),
        ):
            log.info("crawl worker %s started", worker)
            idle_since = monotonic()
            while not stopping.is_set() and (max_jobs is None or answered < max_jobs):
                limit = batch_size if max_jobs is None else min(batch_size, max_jobs - answered)
                try:
                    _give_back_own(client, keys, worker)
                    requeue_dead(client, keys=keys)
                    claimed = _claim(client, keys, worker, limit)
                    if claimed:
                        answered += _crawl(
                            client,
                            keys,
                            worker,
                            claimed,
                            settings=settings,
                            allowed_hosts=allowed_hosts,
                            options=options,
                        )
                        idle_since = monotonic()
                except redis.RedisError as exc:
                    log.error("crawl queue unavailable: %s", exc)
                    stopping.wait(WAIT)
                if idle_exit is not None and monotonic() - idle_since >= idle_exit:
                    break
    finally:
        client.close()
    log.info("crawl worker %s stopped after %d jobs", worker, answered)
    return answered


def _give_back_own(client: redis.Redis, keys: Keys, worker: str) -> None:
    """Jobs still held from a batch whose replies failed (Redis went away) go back to the queue."""
    while client.lmove(keys.processing(worker), keys.jobs, "LEFT", "RIGHT") is not None:
        continue


def _claim(client: redis.Redis, keys: Keys, worker: str, limit: int) -> list[str]:
    processing = keys.processing(worker)
    first: Any = client.blmove(keys.jobs, processing, WAIT, "RIGHT", "LEFT")
    if first is None:
        return []
    claimed = [first]
    while len(claimed) < limit:
        raw: Any = client.lmove(keys.jobs, processing, "RIGHT", "LEFT")
        if raw is None:
            break
        claimed.append(raw)
    return claimed


def _reply(
    client: redis.Redis, keys: Keys, worker: str, raw: str, job: Job, outcome: FetchOutcome
) -> None:
    """The outcome out and the job done, in one transaction."""
    pipe = client.pipeline(transaction=True)
    pipe.lpush(job.reply_to, encode_outcome(outcome))
    pipe.expire(job.reply_to, RESULTS_TTL)
    pipe.lrem(keys.processing(worker), 1, raw)
    pipe.hdel(keys.requeues, job.id)
    pipe.execute()


def _crawl(
    client: redis.Redis,
    keys: Keys,
    worker: str,
    claimed: list[str],
    *,
    settings: Settings,
    allowed_hosts: frozenset[str],
    options: CrawlOptions | None,
) -> int:
    """Crawl one batch; returns how many jobs were answered."""
    started = datetime.now(UTC)
    jobs: list[tuple[str, Job]] = []
    for raw in claimed:
        try:
            jobs.append((raw, decode_job(raw)))
        except CodecError as exc:
            log.error("dropped a job that does not decode: %s", exc)
            client.lrem(keys.processing(worker), 1, raw)
    requeues: list[Any] = client.hmget(keys.requeues, [job.id for _, job in jobs]) if jobs else []
    waiting: dict[int, list[tuple[str, Job]]] = {}
    answered = 0
    for (raw, job), count in zip(jobs, requeues, strict=True):
        if count is not None and int(count) > MAX_REQUEUES:
            error = f"{job.spec.url}: the workers crawling it stopped {int(count)} times; given up"
            _reply(client, keys, worker, raw, job, _failed(job, started, error))
            answered += 1
        else:
            waiting.setdefault(job.spec.id, []).append((raw, job))

    def deliver(outcome: FetchOutcome) -> None:
        nonlocal answered
        for raw, job in waiting.pop(outcome.source_id, []):
            _reply(client, keys, worker, raw, job, outcome)
            answered += 1

    by_clock: dict[datetime | None, list[Job]] = {}
    for entries in waiting.values():
        job = entries[0][1]
        by_clock.setdefault(job.now, []).append(job)
    for now, group in by_clock.items():
        log.info(
            "crawling %d sources",
            len(group),
            extra={"worker": worker, "sources": [job.spec.id for job in group]},
        )
        run_crawl(
            [job.spec for job in group],
            settings=settings,
            sink=deliver,
            now=now,
            allowed_hosts=allowed_hosts,
            options=options,
        )
    for entries in list(waiting.values()):  # run_crawl answers every spec; this is a safeguard
        for raw, job in entries:
            error = f"{job.spec.url}: the crawler gave no outcome"
            _reply(client, keys, worker, raw, job, _failed(job, started, error))
            answered += 1
    return answered


def _failed(job: Job, started: datetime, error: str) -> FetchOutcome:
    return FetchOutcome(source_id=job.spec.id, started_at=started, error=error)
