"""A bounded load test on loopback: fixed concurrency, p50/p95/p99, errors, requests/s.

Two engines, the same report:

- ``wrk`` (when installed): C, so the client is not the bottleneck; a Lua
  script stops each thread after its share of ``--requests`` and prints the
  percentiles;
- ``httpx``: pure asyncio, always available, but one Python process tops out
  around a thousand requests a second, so it understates fast servers.

Every run is bounded twice, by ``--duration`` seconds and by ``--requests``,
and refuses any host that is not loopback.

    python bench/load.py http://127.0.0.1:8000/graphql?query=... --concurrency 32
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

__all__ = ["LoadReport", "run_httpx", "run_load", "run_wrk"]

LOOPBACK = {"127.0.0.1", "localhost", "::1"}

_WRK_SCRIPT = """
local counter = 0
local limit = tonumber(os.getenv("LOAD_LIMIT_PER_THREAD") or "0")
function response(status, headers, body)
  counter = counter + 1
  if limit > 0 and counter >= limit then wrk.thread:stop() end
end
function done(summary, latency, requests)
  io.write(string.format(
    "RESULT {\\"requests\\": %d, \\"seconds\\": %f, \\"p50\\": %f, \\"p95\\": %f,"
    .. " \\"p99\\": %f, \\"connect\\": %d, \\"read\\": %d, \\"write\\": %d, \\"timeout\\": %d,"
    .. " \\"status\\": %d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status))
end
"""


@dataclass(frozen=True, slots=True)
class LoadReport:
    engine: str
    concurrency: int
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def _check_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"refusing to load {host!r}: this load test runs on loopback only")


def run_wrk(
    url: str, *, concurrency: int, duration: float, requests: int, threads: int = 2
) -> LoadReport:
    """wrk with ``threads`` threads; each stops after ``requests / threads`` responses."""
    _check_loopback(url)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_WRK_SCRIPT)
    threads = max(1, min(threads, concurrency))
    command = [
        "wrk", f"-t{threads}", f"-c{concurrency}", f"-d{max(1, round(duration))}s",
        "--timeout", "10s", "-s", script.name, url,
    ]  # fmt: skip
    env = {"LOAD_LIMIT_PER_THREAD": str(max(1, requests // threads)), "PATH": "/usr/bin:/bin"}
    try:
        out = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=duration + 30, check=True
        ).stdout
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    found = json.loads(line.removeprefix("RESULT "))
    errors = sum(found[k] for k in ("connect", "read", "write", "timeout", "status"))
    seconds = float(found["seconds"])
    return LoadReport(
        engine="wrk",
        concurrency=concurrency,
        requests=int(found["requests"]),
        errors=int(errors),
        seconds=round(seconds, 3),
        rps=round(found["requests"] / seconds, 1) if seconds else 0.0,
        p50_ms=round(found["p50"], 3),
        p95_ms=round(found["p95"], 3),
        p99_ms=round(found["p99"], 3),
    )


async def _httpx_load(url: str, *, concurrency: int, duration: float, requests: int) -> LoadReport:
    latencies: list[float] = []
    errors = 0
    issued = 0
    deadline = time.perf_counter() + duration
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=10.0) as client:

        async def worker() -> None:
            nonlocal errors, issued
            while issued < requests and time.perf_counter() < deadline:
                issued += 1
                began = time.perf_counter()
                try:
                    response = await client.get(url)
                    if response.status_code >= 400:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - began)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - began
    ordered = sorted(latencies) or [0.0]
    cuts = statistics.quantiles(ordered, n=100) if len(ordered) > 1 else ordered * 99
    return LoadReport(
        engine="httpx",
        concurrency=concurrency,
        requests=len(latencies),
        errors=errors,
        seconds=round(seconds, 3),
        rps=round(len(latencies) / seconds, 1) if seconds else 0.0,
        p50_ms=round(cuts[49] * 1000, 3),
        p95_ms=round(cuts[94] * 1000, 3),
        p99_ms=round(cuts[98] * 1000, 3),
    )


def run_httpx(url: str, *, concurrency: int, duration: float, requests: int) -> LoadReport:
    _check_loopback(url)
    return asyncio.run(
        _httpx_load(url, concurrency=concurrency, duration=duration, requests=requests)
    )


def run_load(
    url: str, *, concurrency: int, duration: float, requests: int, engine: str = "auto"
) -> LoadReport:
    """wrk when installed (or asked for), else the httpx engine."""
    if engine == "wrk" or (engine == "auto" and shutil.which("wrk")):
        return run_wrk(url, concurrency=concurrency, duration=duration, requests=requests)
    return run_httpx(url, concurrency=concurrency, duration=duration, requests=requests)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds, at most")
    parser.add_argument("--requests", type=int, default=50_000, help="at most")
    parser.add_argument("--engine", choices=("auto", "wrk", "httpx"), default="auto")
    args = parser.parse_args(argv)
    report = run_load(
        args.url,
        concurrency=args.concurrency,
        duration=args.duration,
        requests=args.requests,
        engine=args.engine,
    )
    json.dump(asdict(report), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
