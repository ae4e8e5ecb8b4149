"""Sources, events and servers the drills share."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psycopg

from pluriel.model import (
    I18nText,
    Location,
    Occurrence,
    ReadResult,
    SourceEvent,
    SourceFormat,
    SourceSpec,
)
from pluriel.store import registry

__all__ = [
    "ROOT",
    "api_server",
    "free_port",
    "make_events",
    "make_source",
    "static_server",
]

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
Conn = psycopg.Connection[dict[str, Any]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_source(
    conn: Conn, slug: str, *, fmt: SourceFormat = SourceFormat.ICS, url: str | None = None
) -> SourceSpec:
    inst = registry.get_institution(conn, slug) or registry.add_institution(
        conn, slug, name=slug.title(), country="LU"
    )
    source_id = registry.add_source(
        conn,
        institution_id=inst.id,
        format=fmt,
        url=url or f"https://{slug}.example/agenda.ics",
        lang="fr",
    )
    conn.commit()
    (spec,) = registry.load_sources(conn, ids=[source_id])
    return spec


def make_events(n: int, *, now: datetime, prefix: str = "ev", title: str = "Concert") -> ReadResult:
    """``n`` distinct upcoming events, each with two dates and a place."""
    events = []
    for i in range(n):
        start = now + timedelta(days=1 + i % 90, hours=i % 7)
        events.append(
            SourceEvent(
                external_id=f"{prefix}-{i}",
                title=I18nText.single(f"{title} {i}"),
                description=I18nText.single(f"<p>Programme {i}: Bach, Ravel.</p>"),
                occurrences=(
                    Occurrence(
                        start=start, end=start + timedelta(hours=2), timezone="Europe/Luxembourg"
                    ),
                    Occurrence(
                        start=start + timedelta(days=7),
                        end=start + timedelta(days=7, hours=2),
                        timezone="Europe/Luxembourg",
                    ),
                ),
                timezone="Europe/Luxembourg",
                location=Location(
                    name=I18nText.single(f"Salle {i % 20}"), locality="Luxembourg", country="LU"
                ),
            )
        )
    return ReadResult(events=tuple(events))


@contextmanager
def static_server(routes: dict[str, tuple[int, str, bytes, dict[str, str]]]) -> Iterator[str]:
    """A loopback HTTP server: path -> (status, content type, body, extra headers)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, ctype, body, headers = routes.get(self.path, (404, "text/plain", b"", {}))
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for key, value in headers.items():
                self.send_header(key, value.replace("{base}", base))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    class Quiet(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: object, client_address: object) -> None:
            return

    httpd = Quiet(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def api_server(database_url: str, home: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The real app under uvicorn in its own process (so its RSS can be sampled)."""
    port = free_port()
    log_path = home / f"api-{port}.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "reliability.serve", database_url, str(home), str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise RuntimeError(f"the API server exited: {tail}")
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


NOW = datetime.now(UTC)
