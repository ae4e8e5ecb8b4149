"""Crawls on many machines: a dispatcher queues sources in Redis, workers crawl them.

The dispatcher (:func:`dispatch`) runs where the aggregator does, next to
PostgreSQL, and hands each :class:`~pluriel.model.FetchOutcome` to the same
sink as a local :func:`~pluriel.crawlers.run_crawl`. Workers
(:func:`run_worker`) run anywhere that reaches Redis and the web; they crawl
with ``run_crawl`` and never see the database. Specs and outcomes travel as
JSON (:mod:`.codec`); the queue's layout and its recovery from dead workers
are in :mod:`.queue`.
"""

from __future__ import annotations

from pluriel.crawlers.distributed.codec import (
    CodecError,
    decode_outcome,
    decode_spec,
    encode_outcome,
    encode_spec,
)
from pluriel.crawlers.distributed.dispatcher import dispatch
from pluriel.crawlers.distributed.queue import KEYS, Keys, requeue_dead
from pluriel.crawlers.distributed.worker import run_worker

__all__ = [
    "KEYS",
    "CodecError",
    "Keys",
    "decode_outcome",
    "decode_spec",
    "dispatch",
    "encode_outcome",
    "encode_spec",
    "requeue_dead",
    "run_worker",
]
