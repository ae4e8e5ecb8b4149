"""The nginx cache: its config passes ``nginx -t``, and a live nginx obeys the API's headers.

CI installs nginx for these (``.ci/run`` looks for ``require_nginx``); the
upstream here is a stand-in with the API's caching rules, so nginx is
checked against the contract, not against the whole app.
"""

from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import httpx
import pytest

from tests.conftest import require_runtime

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "nginx.conf"


def require_nginx() -> str:
    """The nginx binary (Debian package ``nginx-light``), or skip/fail as CI demands."""
    found = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None
    )
    require_runtime(found is not None, "nginx is not installed (apt-get install nginx-light)")
    return found or ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _local_config(root: Path, *, listen: int, upstream: int) -> Path:
    """The shipped config with its container paths and hosts moved into ``root``."""
    text = CONFIG.read_text()
    for old, new in [
        ("/tmp/", f"{root}/"),  # noqa: S108 - the container's tmpfs paths, moved
        ("/var/cache/nginx/", f"{root}/cache/"),
        ("server api:8000;", f"server 127.0.0.1:{upstream};"),
        ("listen 8080;", f"listen 127.0.0.1:{listen};"),
        ("access_log /dev/stdout json;", f"access_log {root}/access.log json;"),
    ]:
        if old not in text:
            raise AssertionError(f"nginx.conf no longer contains {old!r}")
        text = text.replace(old, new)
    (root / "cache").mkdir()
    path = root / "nginx.conf"
    path.write_text(text)
    return path


def test_config_passes_nginx_t(tmp_path: Path) -> None:
    nginx = require_nginx()
    config = _local_config(tmp_path, listen=_free_port(), upstream=_free_port())

    done = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(config)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr


class _Api(BaseHTTPRequestHandler):
    """Answers like pluriel's caching.respond(): public + ETag, or private when authenticated."""

    hits: ClassVar[Counter[str]] = Counter()

    def do_GET(self) -> None:
        self.hits[self.path] += 1
        body = f"answer for {self.path}".encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
        if self.headers.get("Authorization"):
            self._send(200, body, {"Cache-Control": "private, no-store"})
        elif self.headers.get("If-None-Match") == etag:
            self._send(304, b"", {"ETag": etag, "Cache-Control": "public, max-age=60"})
        else:
            headers = {"Cache-Control": "public, max-age=60", "Vary": "Authorization"}
            self._send(200, body, {**headers, "ETag": etag})

    def do_POST(self) -> None:
        self.hits[self.path] += 1
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self._send(200, b"posted", {"Cache-Control": "private, no-store"})

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in {**headers, "X-Request-ID": "from-upstream"}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[tuple[str, Counter[str]]]:
    nginx = require_nginx()
    _Api.hits = Counter()
    api = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    threading.Thread(target=api.serve_forever, daemon=True).start()
    listen = _free_port()
    config = _local_config(tmp_path, listen=listen, upstream=api.server_address[1])
    process = subprocess.Popen(
        [nginx, "-p", str(tmp_path), "-c", str(config), "-g", "daemon off; master_process off;"],
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{listen}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(f"{base}/nginx-health")
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        yield base, _Api.hits
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()
        api.shutdown()
        api.server_close()


def test_public_answers_are_cached_and_revalidated_by_etag(
    proxy: tuple[str, Counter[str]],
) -> None:
    base, hits = proxy
    url = f"{base}/graphql?documentId=widget%2Fupcoming&variables=%7B%7D"

    first = httpx.get(url)
    second = httpx.get(url)
    etag = second.headers["etag"]
    conditional = httpx.get(url, headers={"If-None-Match": etag})

    assert [first.status_code, second.status_code, conditional.status_code] == [200, 200, 304]
    cache = [r.headers["x-cache-status"] for r in (first, second, conditional)]
    assert cache == ["MISS", "HIT", "HIT"]
    assert second.text == "answer for /graphql?documentId=widget%2Fupcoming&variables=%7B%7D"
    assert second.headers["cache-control"] == "public, max-age=60"
    assert hits == Counter({"/graphql?documentId=widget%2Fupcoming&variables=%7B%7D": 1})


def test_requests_with_credentials_and_posts_always_reach_the_api(
    proxy: tuple[str, Counter[str]],
) -> None:
    base, hits = proxy
    auth = {"Authorization": "Bearer plr_x_y"}

    private = [httpx.get(f"{base}/graphql?q=1", headers=auth) for _ in range(2)]
    posts = [httpx.post(f"{base}/graphql", content=b"{}") for _ in range(2)]
    public = httpx.get(f"{base}/graphql?q=1")

    assert [r.headers["x-cache-status"] for r in private] == ["BYPASS", "BYPASS"]
    assert [r.text for r in posts] == ["posted", "posted"]
    # The private answers were not stored: the anonymous one is a miss.
    assert public.headers["x-cache-status"] == "MISS"
    assert hits == Counter({"/graphql?q=1": 3, "/graphql": 2})


def test_request_ids_metrics_and_health(proxy: tuple[str, Counter[str]]) -> None:
    base, hits = proxy

    sent = httpx.get(f"{base}/feeds/a.ics", headers={"X-Request-ID": "edge-1"})
    cached = httpx.get(f"{base}/feeds/a.ics")
    metrics = httpx.get(f"{base}/metrics")

    assert sent.headers["x-request-id"] == "edge-1"
    assert cached.headers["x-cache-status"] == "HIT"
    assert len(cached.headers["x-request-id"]) == 32
    assert cached.headers.get_list("x-request-id") == [cached.headers["x-request-id"]]
    assert metrics.status_code == 404
    assert httpx.get(f"{base}/nginx-health").text == "ok\n"
    assert hits == Counter({"/feeds/a.ics": 1})
