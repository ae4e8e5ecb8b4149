"""Soak: fixed-concurrency reads on loopback for N minutes while crawls ingest alongside.

The API runs under uvicorn in its own process; its resident memory is
sampled every second and a least-squares slope (MiB per minute) over the
second half of the run says whether it keeps growing. Any non-2xx answer or
transport error counts as an error.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil  # type: ignore[import-untyped]

from pluriel.aggregator.ingest import ingest_outcome
from pluriel.crawlers import run_crawl
from pluriel.model import FetchOutcome, SourceFormat
from pluriel.settings import Settings
from pluriel.store import connect
from reliability.data import api_server, make_events, make_source, static_server
from reliability.pg import postgres

__all__ = ["SoakFigures", "ics_feed", "run_soak", "slope"]

QUERIES = [
    (
        "events",
        "query($t:String){events(first:20,filter:{text:$t}){edges{node{id title description"
        " place{name} categories{id} nextOccurrence{start}}} pageInfo{endCursor hasNextPage}}}",
    ),
    ("occurrences", "{occurrences(first:50){edges{node{start end event{id title}}}}}"),
    ("places", "{places(first:20){edges{node{id name}}}}"),
]


@dataclass
class SoakFigures:
    seconds: float
    concurrency: int
    requests: int = 0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    crawls: int = 0
    crawl_failures: int = 0
    rss_start_mib: float = 0.0
    rss_end_mib: float = 0.0
    rss_max_mib: float = 0.0
    rss_slope_mib_per_min: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def slope(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MiB), in MiB per minute."""
    if len(samples) < 2:
        return 0.0
    xs = [s[0] for s in samples]
    ys = [s[1] for s in samples]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return (
        0.0
        if den == 0
        else 60 * sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den
    )


def ics_feed(n: int, *, version: int) -> bytes:
    """An ICS feed of ``n`` events whose titles change with ``version`` (so crawls write)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//reliability//soak//EN"]
    base = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    for i in range(n):
        start = base + timedelta(days=i % 60, hours=i % 5)
        stamp = start.strftime("%Y%m%dT%H%M%SZ")
        end = (start + timedelta(hours=2)).strftime("%Y%m%dT%H%M%SZ")
        title = f"Soirée {i} v{version if i % 3 == 0 else 0}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:soak-{i}@reliability",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{stamp}",
            f"DTEND:{end}",
            f"SUMMARY:{title}",
            f"DESCRIPTION:Programme {i}",
            "LOCATION:Salle des fêtes\\, Luxembourg",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


async def _load(base: str, figures: SoakFigures, stop_at: float, latencies: list[float]) -> None:
    words = ["", "concert", "soirée", "bach", "salle", "programme"]
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:

        async def worker(seed: int) -> None:
            rng = random.Random(seed)
            while time.monotonic() < stop_at:
                roll = rng.random()
                try:
                    began = time.perf_counter()
                    if roll < 0.1:
                        response = await client.get("/healthz")
                    else:
                        name, query = rng.choice(QUERIES)
                        variables = {"t": rng.choice(words) or None} if name == "events" else {}
                        response = await client.post(
                            "/graphql", json={"query": query, "variables": variables}
                        )
                    latencies.append(time.perf_counter() - began)
                    figures.statuses[response.status_code] = (
                        figures.statuses.get(response.status_code, 0) + 1
                    )
                    bad = response.status_code != 200 or (
                        roll >= 0.1 and response.json().get("errors")
                    )
                except httpx.HTTPError as exc:
                    bad = True
                    response = None
                    if len(figures.error_samples) < 5:
                        figures.error_samples.append(repr(exc))
                figures.requests += 1
                if bad:
                    figures.errors += 1
                    if response is not None and len(figures.error_samples) < 5:
                        figures.error_samples.append(
                            f"{response.status_code}: {response.text[:300]}"
                        )

        await asyncio.gather(*(worker(i) for i in range(figures.concurrency)))


def run_soak(*, seconds: float, concurrency: int = 16, seed_events: int = 500) -> SoakFigures:
    figures = SoakFigures(seconds=seconds, concurrency=concurrency)
    feed = {"version": 1}
    routes: dict[str, tuple[int, str, bytes, dict[str, str]]] = {
        "/robots.txt": (200, "text/plain", b"User-agent: *\nAllow: /\n", {}),
    }
    with postgres() as pg, tempfile.TemporaryDirectory() as home, static_server(routes) as site:
        url = pg.new_database()
        routes["/feed.ics"] = (200, "text/calendar", ics_feed(200, version=1), {})
        with connect(url) as conn:
            seeded = make_source(conn, "seeded")
            ingest_outcome(
                conn,
                seeded,
                FetchOutcome(
                    source_id=seeded.id,
                    started_at=datetime.now(UTC),
                    result=make_events(seed_events, now=datetime.now(UTC)),
                ),
            )
            crawled = make_source(conn, "crawled", fmt=SourceFormat.ICS, url=f"{site}/feed.ics")
        settings = Settings(home=Path(home), database_url=url)
        with api_server(url, Path(home)) as (base, proc):
            process = psutil.Process(proc.pid)
            stop_at = time.monotonic() + seconds
            started = time.monotonic()
            rss: list[tuple[float, float]] = []
            done = threading.Event()

            def sample() -> None:
                while not done.is_set():
                    rss.append((time.monotonic() - started, process.memory_info().rss / 2**20))
                    done.wait(1.0)

            def crawl() -> None:
                with connect(url) as conn:
                    while time.monotonic() < stop_at - 3:
                        feed["version"] += 1
                        routes["/feed.ics"] = (
                            200,
                            "text/calendar",
                            ics_feed(200, version=feed["version"]),
                            {},
                        )

                        def sink(outcome: FetchOutcome) -> None:
                            report = ingest_outcome(conn, crawled, outcome)
                            figures.crawls += 1
                            if report.status not in {"ok", "unchanged"}:
                                figures.crawl_failures += 1
                                if len(figures.error_samples) < 5:
                                    figures.error_samples.append(f"crawl: {report.summary()}")

                        run_crawl(
                            [crawled],
                            settings=settings,
                            sink=sink,
                            allowed_hosts=frozenset({"127.0.0.1"}),
                        )

            threads = [threading.Thread(target=sample), threading.Thread(target=crawl)]
            for thread in threads:
                thread.start()
            latencies: list[float] = []
            try:
                asyncio.run(_load(base, figures, stop_at, latencies))
            finally:
                done.set()
                for thread in threads:
                    thread.join()
        latencies.sort()
        if latencies:
            figures.p50_ms = round(1000 * latencies[len(latencies) // 2], 1)
            figures.p99_ms = round(1000 * latencies[int(len(latencies) * 0.99)], 1)
        if rss:
            figures.rss_start_mib = round(rss[0][1], 1)
            figures.rss_end_mib = round(rss[-1][1], 1)
            figures.rss_max_mib = round(max(r for _, r in rss), 1)
            figures.rss_slope_mib_per_min = round(slope(rss[len(rss) // 2 :]), 3)
    return figures
