"""The dispatcher: one job per source queued in Redis, each outcome to the sink as it returns.

It plays :func:`~pluriel.crawlers.run_crawl`'s part for crawls that run on
other machines, with the same promise: every source gets exactly one
outcome, in the order they finish — a duplicate reply (a worker thought
dead that came back) is dropped, and a source that no worker finished in
``timeout`` seconds gets an error outcome and its job is withdrawn.
While it waits, it also gives the jobs of dead workers back to the queue.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from time import monotonic
from typing import Any
from uuid import uuid4

import redis

from pluriel.crawlers.distributed.codec import CodecError, decode_outcome
from pluriel.crawlers.distributed.queue import KEYS, Job, Keys, connect, encode_job, requeue_dead
from pluriel.crawlers.process import Sink
from pluriel.model import FetchOutcome, SourceSpec

__all__ = ["dispatch"]

log = logging.getLogger(__name__)

#: Seconds between two looks for dead workers, and the longest single wait for a reply.
POLL = 1


def dispatch(
    specs: Sequence[SourceSpec],
    *,
    redis_url: str,
    sink: Sink,
    timeout: float,
    now: datetime | None = None,
    keys: Keys = KEYS,
) -> None:
    """Crawl every source once on the workers; call ``sink`` once per source.

    ``now`` fixes the readers' clock on the workers, as in ``run_crawl``.
    """
    unique = list({spec.id: spec for spec in specs}.values())
    if not unique:
        return
    started = datetime.now(UTC)
    batch = uuid4().hex
    reply = keys.results(batch)
    jobs = {
        spec.id: Job(id=f"{batch}:{spec.id}", reply_to=reply, spec=spec, now=now) for spec in unique
    }
    raws = {source_id: encode_job(job) for source_id, job in jobs.items()}
    pending = {spec.id: spec for spec in unique}
    reason = f"no crawl worker finished it within {timeout:g} s"
    deadline = monotonic() + timeout
    client = connect(redis_url, blocking=POLL)
    try:
        # LPUSH a b c leaves c b a: workers pop from the right, so a goes first.
        client.lpush(keys.jobs, *raws.values())
        log.info("queued %d sources", len(raws), extra={"batch": batch, "sources": list(raws)})
        next_look = monotonic()
        while pending and (left := deadline - monotonic()) > 0:
            if monotonic() >= next_look:
                requeue_dead(client, keys=keys)
                next_look = monotonic() + POLL
            item: Any = client.brpop([reply], timeout=max(min(POLL, left), 0.01))
            if item is None:
                continue
            try:
                outcome = decode_outcome(item[1])
            except CodecError as exc:
                log.error("dropped an outcome that does not decode: %s", exc)
                continue
            if pending.pop(outcome.source_id, None) is not None:
                sink(outcome)
    except redis.RedisError as exc:
        reason = f"the crawl queue failed: {exc}"
    finally:
        _withdraw(
            client, keys, reply, [raws[i] for i in pending], [job.id for job in jobs.values()]
        )
    for spec in pending.values():
        sink(FetchOutcome(source_id=spec.id, started_at=started, error=f"{spec.url}: {reason}"))


def _withdraw(
    client: redis.Redis, keys: Keys, reply: str, unanswered: list[str], job_ids: list[str]
) -> None:
    """Take back the jobs no worker took, and the batch's keys; late replies expire on their own."""
    try:
        pipe = client.pipeline(transaction=False)
        for raw in unanswered:
            pipe.lrem(keys.jobs, 0, raw)
        pipe.hdel(keys.requeues, *job_ids)
        pipe.delete(reply)
        pipe.execute()
    except redis.RedisError as exc:
        log.warning("could not clean up after a dispatch: %s", exc)
    finally:
        client.close()
