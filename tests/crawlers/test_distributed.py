"""Crawls on many workers through a real Redis: one outcome per source, dead workers replaced.

A redis-server on 127.0.0.1 (random port, temporary directory) is started
for the module and emptied before each test; workers run in threads or, to
be killed or signalled, in their own process group; the fixture feeds are
served on loopback as in ``test_crawl``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from prometheus_client import CollectorRegistry

from pluriel.crawlers import CrawlOptions, run_crawl
from pluriel.crawlers.distributed import KEYS, dispatch, requeue_dead, run_worker
from pluriel.crawlers.distributed.codec import decode_outcome
from pluriel.crawlers.distributed.queue import Job, encode_job
from pluriel.model import FetchOutcome, SourceFormat, SourceSpec
from pluriel.ops.arguments import add_arguments, add_worker_arguments
from pluriel.ops.metrics import Metrics
from pluriel.ops.scheduler import crawl_due
from pluriel.settings import Settings
from pluriel.store import registry
from tests.conftest import require_runtime
from tests.crawlers.server import FixtureServer, Route

Conn = psycopg.Connection[dict[str, Any]]
NOW = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]
SETTINGS = Settings(allow_private_networks=True)
OPTIONS = CrawlOptions(throttle_start_delay=0, retries=0, overall_timeout=60)
ICS = "text/calendar; charset=utf-8"
ROUTES = {
    "/robots.txt": Route(fixture="robots.txt", content_type="text/plain"),
    "/feed.ics": Route(fixture="feed.ics", content_type=ICS, etag='"ics-v1"'),
    "/jsonld/agenda.html": Route(fixture="jsonld/agenda.html"),
    "/jsonld/concert.html": Route(fixture="jsonld/concert.html"),
    "/jsonld/expo.html": Route(fixture="jsonld/expo.html"),
    "/rss/feed.xml": Route(fixture="rss/feed.xml", content_type="application/rss+xml"),
    "/rss/jazz.html": Route(fixture="rss/jazz.html"),
    "/rss/plain.html": Route(body=b"<html><body><h1>Lesung</h1><p>Bald.</p></body></html>"),
}
# A worker in its own process, so that the test can kill it (and its crawl child) outright.
WORKER = """
import sys
from pluriel.crawlers import CrawlOptions
from pluriel.crawlers.distributed import run_worker
from pluriel.settings import Settings

run_worker(
    redis_url=sys.argv[1],
    settings=Settings(allow_private_networks=True),
    options=CrawlOptions(throttle_start_delay=0, retries=0, overall_timeout=60),
    batch_size=1,
    lease=float(sys.argv[2]),
    name=sys.argv[3],
)
"""


NO_DISK = ("--save", "", "--appendonly", "no")


def require_redis() -> str:
    binary = shutil.which("redis-server")
    require_runtime(binary is not None, "redis-server is not installed (apt package redis-server)")
    return binary or ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = require_redis()
    directory = tmp_path_factory.mktemp("redis")
    for _ in range(5):  # another process may take the free port first
        port = _free_port()
        process = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(directory), *NO_DISK],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"redis://127.0.0.1:{port}/0"
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < deadline:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        client.close()
        if process.poll() is None:
            break
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def redis_url(redis_server: str) -> Iterator[str]:
    client = redis.Redis.from_url(redis_server, decode_responses=True)
    client.flushall()
    yield redis_server
    client.close()


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    connection = redis.Redis.from_url(redis_url, decode_responses=True)
    yield connection
    connection.close()


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with FixtureServer(dict(ROUTES)).running() as running:
        yield running


def spec(server: FixtureServer, source_id: int, fmt: SourceFormat, path: str) -> SourceSpec:
    return SourceSpec(
        id=source_id,
        institution_id=1,
        format=fmt,
        url=server.url(path),
        lang="fr",
        timezone="Europe/Paris",
    )


def comparable(outcome: FetchOutcome) -> FetchOutcome:
    """Without what differs between two crawls: the clock, the order detail pages come in."""
    result = outcome.result
    if result is not None:
        result = replace(result, events=tuple(sorted(result.events, key=lambda e: e.external_id)))
    return replace(outcome, started_at=NOW, result=result)


def wait_for(condition: Callable[[], object], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


class Workers:
    """Workers in threads, each stopped by its own event; ``answered`` is each one's count."""

    def __init__(self, redis_url: str) -> None:
        self.redis_url = redis_url
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.answered: dict[str, int] = {}

    def start(self, name: str, *, batch_size: int) -> None:
        def work() -> None:
            self.answered[name] = run_worker(
                redis_url=self.redis_url,
                settings=SETTINGS,
                options=OPTIONS,
                batch_size=batch_size,
                lease=5.0,
                stop=self.stop,
                name=name,
            )

        thread = threading.Thread(target=work, name=name)
        thread.start()
        self.threads.append(thread)

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)


@pytest.fixture
def workers(redis_url: str) -> Iterator[Workers]:
    pool = Workers(redis_url)
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def worker_process(redis_url: str) -> Iterator[Callable[[str, float], subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str, lease: float) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-c", WORKER, redis_url, str(lease), name],
            cwd=ROOT,
            start_new_session=True,  # its own group: the crawl child goes down with it
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_two_workers_crawl_every_source_once(
    server: FixtureServer, redis_url: str, workers: Workers, client: redis.Redis
) -> None:
    specs = [
        spec(server, 1, SourceFormat.ICS, "/feed.ics"),
        spec(server, 2, SourceFormat.JSONLD, "/jsonld/agenda.html"),
        spec(server, 3, SourceFormat.RSS, "/rss/feed.xml"),
        spec(server, 4, SourceFormat.ICS, "/gone.ics"),
    ]
    local: list[FetchOutcome] = []
    run_crawl(specs, settings=SETTINGS, sink=local.append, now=NOW, options=OPTIONS)
    workers.start("w1", batch_size=2)
    workers.start("w2", batch_size=2)
    wait_for(lambda: client.scard(KEYS.workers) == 2, "both workers to sign on")

    outcomes: list[FetchOutcome] = []
    dispatch(specs, redis_url=redis_url, sink=outcomes.append, timeout=60, now=NOW)
    workers.close()

    assert sorted(map(comparable, outcomes), key=lambda o: o.source_id) == sorted(
        map(comparable, local), key=lambda o: o.source_id
    )
    assert [o.error is None for o in sorted(outcomes, key=lambda o: o.source_id)] == [
        True,
        True,
        True,
        False,
    ]
    assert workers.answered == {"w1": 2, "w2": 2}
    assert client.keys("pluriel:crawl:*") == []


def test_a_killed_worker_s_job_is_crawled_by_another(
    server: FixtureServer,
    redis_url: str,
    workers: Workers,
    client: redis.Redis,
    worker_process: Callable[[str, float], subprocess.Popen[bytes]],
) -> None:
    server.routes["/slow.ics"] = Route(fixture="feed.ics", content_type=ICS, delay=60)
    specs = [
        spec(server, 1, SourceFormat.ICS, "/slow.ics"),
        spec(server, 2, SourceFormat.ICS, "/feed.ics"),
    ]
    doomed = worker_process("doomed", 1.5)
    wait_for(lambda: client.sismember(KEYS.workers, "doomed"), "the first worker to sign on")

    outcomes: list[FetchOutcome] = []
    dispatcher = threading.Thread(
        target=lambda: dispatch(
            specs, redis_url=redis_url, sink=outcomes.append, timeout=60, now=NOW
        )
    )
    dispatcher.start()
    wait_for(lambda: server.requests_for("/slow.ics"), "the first worker to fetch the slow feed")
    assert client.lrange(KEYS.processing("doomed"), 0, -1) != []
    server.routes["/slow.ics"] = Route(fixture="feed.ics", content_type=ICS)
    os.killpg(doomed.pid, signal.SIGKILL)
    doomed.wait(timeout=10)

    workers.start("rescuer", batch_size=4)
    dispatcher.join(timeout=60)
    workers.close()

    assert sorted(o.source_id for o in outcomes) == [1, 2]
    assert [(o.error, o.http_status) for o in outcomes] == [(None, 200), (None, 200)]
    by_id = {o.source_id: o for o in outcomes}
    assert by_id[1].result == by_id[2].result
    assert len(server.requests_for("/slow.ics")) == 2
    assert workers.answered == {"rescuer": 2}
    assert client.keys("pluriel:crawl:*") == []


def test_sigterm_finishes_the_batch_under_way(
    server: FixtureServer,
    redis_url: str,
    client: redis.Redis,
    worker_process: Callable[[str, float], subprocess.Popen[bytes]],
) -> None:
    server.routes["/slow.ics"] = Route(fixture="feed.ics", content_type=ICS, delay=1.5)
    specs = [spec(server, 1, SourceFormat.ICS, "/slow.ics")]
    process = worker_process("leaving", 5.0)
    wait_for(lambda: client.sismember(KEYS.workers, "leaving"), "the worker to sign on")

    outcomes: list[FetchOutcome] = []
    dispatcher = threading.Thread(
        target=lambda: dispatch(
            specs, redis_url=redis_url, sink=outcomes.append, timeout=60, now=NOW
        )
    )
    dispatcher.start()
    wait_for(lambda: server.requests_for("/slow.ics"), "the worker to fetch the feed")
    process.send_signal(signal.SIGTERM)
    dispatcher.join(timeout=60)

    assert process.wait(timeout=30) == 0
    assert [(o.source_id, o.error, o.http_status) for o in outcomes] == [(1, None, 200)]
    assert client.keys("pluriel:crawl:*") == []


def test_sources_no_worker_takes_time_out_and_are_withdrawn(
    redis_url: str, client: redis.Redis
) -> None:
    specs = [
        SourceSpec(id=5, institution_id=1, format=SourceFormat.ICS, url="https://a.example/x.ics")
    ]
    outcomes: list[FetchOutcome] = []
    dispatch(specs, redis_url=redis_url, sink=outcomes.append, timeout=0.3)
    assert [(o.source_id, o.error) for o in outcomes] == [
        (5, "https://a.example/x.ics: no crawl worker finished it within 0.3 s")
    ]
    assert client.keys("pluriel:crawl:*") == []


def test_an_unreachable_queue_gives_every_source_an_error() -> None:
    specs = [
        SourceSpec(id=5, institution_id=1, format=SourceFormat.ICS, url="https://a.example/x.ics")
    ]
    outcomes: list[FetchOutcome] = []
    dispatch(
        specs, redis_url=f"redis://127.0.0.1:{_free_port()}/0", sink=outcomes.append, timeout=5
    )
    assert [(o.source_id, (o.error or "").split(": ")[:2]) for o in outcomes] == [
        (5, ["https://a.example/x.ics", "the crawl queue failed"])
    ]


def test_a_dead_worker_s_jobs_go_back_and_a_job_that_keeps_killing_workers_is_given_up(
    redis_url: str, client: redis.Redis
) -> None:
    job = Job(
        id="batch:5",
        reply_to=KEYS.results("batch"),
        spec=SourceSpec(
            id=5, institution_id=1, format=SourceFormat.ICS, url="https://a.example/x.ics"
        ),
    )
    client.sadd(KEYS.workers, "ghost", "alive")
    client.set(KEYS.lease("alive"), "1", px=10_000)
    client.rpush(KEYS.processing("ghost"), encode_job(job))
    client.rpush(KEYS.processing("alive"), "held")

    assert requeue_dead(client) == 1
    assert (client.lrange(KEYS.jobs, 0, -1), client.hgetall(KEYS.requeues)) == (
        [encode_job(job)],
        {"batch:5": "1"},
    )
    assert client.smembers(KEYS.workers) == {"alive"}
    assert client.lrange(KEYS.processing("alive"), 0, -1) == ["held"]

    client.hset(KEYS.requeues, "batch:5", "3")
    answered = run_worker(
        redis_url=redis_url, settings=SETTINGS, max_jobs=1, stop=threading.Event(), name="w"
    )
    assert answered == 1
    (outcome,) = [decode_outcome(raw) for raw in client.lrange(KEYS.results("batch"), 0, -1)]
    assert (outcome.source_id, outcome.error) == (
        5,
        "https://a.example/x.ics: the workers crawling it stopped 3 times; given up",
    )
    assert (client.llen(KEYS.jobs), client.hgetall(KEYS.requeues)) == (0, {})


def test_the_scheduler_dispatches_to_workers_and_ingests_what_comes_back(
    server: FixtureServer, redis_url: str, workers: Workers, conn: Conn, settings: Settings
) -> None:
    institution = registry.add_institution(conn, "kinneksbond", name="Kinneksbond", country="LU")
    source_id = registry.add_source(
        conn, institution_id=institution.id, format=SourceFormat.ICS, url=server.url("/feed.ics")
    )
    conn.commit()
    workers.start("w1", batch_size=8)

    reports = crawl_due(conn, settings, metrics=Metrics(CollectorRegistry()), redis_url=redis_url)

    assert [(r.status, r.new) for r in reports or []] == [("ok", 2)]
    rows = conn.execute("select source_id, status, new_count from source_run").fetchall()
    assert rows == [{"source_id": source_id, "status": "ok", "new_count": 2}]
    assert [seen.path for seen in server.seen] == ["/robots.txt", "/feed.ics"]


def test_the_worker_command_s_options() -> None:
    parser = argparse.ArgumentParser()
    add_worker_arguments(parser)
    args = parser.parse_args(["--redis-url", "redis://queue:6379/0", "--batch-size", "4"])
    assert (args.redis_url, args.batch_size, args.lease, args.max_jobs, args.idle_exit) == (
        "redis://queue:6379/0",
        4,
        30.0,
        None,
        None,
    )
    scheduler = argparse.ArgumentParser()
    add_arguments(scheduler)
    assert scheduler.parse_args(["--redis-url", "redis://queue:6379/0"]).dispatch_timeout == 1800.0
