"""A loopback HTTP server for the fixture site, behaving like a well-kept web server.

It answers what a polite crawler relies on: a strong ETag (a hash of the
body) and Last-Modified on every document, 304 for a matching
``If-None-Match`` or a not-older ``If-Modified-Since``, HEAD, extra headers
such as ``Link`` for paged APIs, 404 for anything else (no directory
listings). It runs in a daemon thread so a test or ``pluriel demo`` can use
it and carry on.

Because documents link to absolute URLs, the site can be built only once the
port is known: pass ``build`` (``base_url -> documents``) instead of a
ready-made site.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self

from pluriel.demo.site import Document

__all__ = ["DemoSiteServer", "serve_site"]


class _Entry:
    __slots__ = ("document", "etag")

    def __init__(self, document: Document) -> None:
        self.document = document
        self.etag = '"' + hashlib.sha256(document.body).hexdigest()[:32] + '"'


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    entries: dict[str, _Entry]
    last_modified: datetime


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "pluriel-demo/1"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the demo's and tests' output is about events, not requests."""

    def _answer(self, *, body: bool) -> None:
        entry = self.server.entries.get(self.path)
        if entry is None:
            self._send(404, b"not found\n", "text/plain; charset=utf-8", (), body=body)
            return
        modified = format_datetime(self.server.last_modified, usegmt=True)
        validators = (("ETag", entry.etag), ("Last-Modified", modified))
        if self._not_modified(entry.etag):
            self.send_response(304)
            for name, value in validators:
                self.send_header(name, value)
            self.end_headers()
            return
        doc = entry.document
        self._send(200, doc.body, doc.content_type, validators + doc.headers, body=body)

    def _not_modified(self, etag: str) -> bool:
        match = self.headers.get("If-None-Match")
        if match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in match.split(",")}
            return "*" in tags or etag in tags
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return when >= self.server.last_modified

    def _send(
        self,
        status: int,
        payload: bytes,
        content_type: str,
        headers: tuple[tuple[str, str], ...],
        *,
        body: bool,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(payload)


class DemoSiteServer:
    """A running fixture site; close it (or use ``with``) to stop the thread."""

    def __init__(self, server: _Server, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread
        host, port = server.server_address[:2]
        self.base_url = f"http://{host!s}:{port}"

    @property
    def documents(self) -> dict[str, Document]:
        return {path: entry.document for path, entry in self._server.entries.items()}

    def replace(self, site: Mapping[str, Document]) -> None:
        """Serve other documents from now on (a changed programme), with a new Last-Modified."""
        self._server.entries = {path: _Entry(doc) for path, doc in site.items()}
        self._server.last_modified = _now()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _now() -> datetime:
    # HTTP dates have one-second resolution; a sub-second Last-Modified would never
    # compare equal to the If-Modified-Since a client sends back.
    return datetime.now(UTC).replace(microsecond=0)


def serve_site(
    site: Mapping[str, Document] | None = None,
    *,
    build: Callable[[str], Mapping[str, Document]] | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> DemoSiteServer:
    """Start serving ``site``, or what ``build(base_url)`` returns once the port is bound."""
    if (site is None) == (build is None):
        raise ValueError("serve_site needs exactly one of site and build")
    server = _Server((host, port), _Handler)
    server.entries = {}
    server.last_modified = _now()
    thread = threading.Thread(
        # a short poll keeps close() quick; the demo and tests start and stop it often
        target=lambda: server.serve_forever(poll_interval=0.05),
        name="pluriel-demo-site",
        daemon=True,
    )
    running = DemoSiteServer(server, thread)
    if site is not None:
        running.replace(site)
    elif build is not None:
        running.replace(build(running.base_url))
    thread.start()
    return running
