"""The loopback server answers like a careful web server: validators, 304, 404, HEAD, Link."""

from __future__ import annotations

import hashlib
import http.client
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import pytest

from pluriel.demo import DemoSiteServer, Document, serve_site


def _request(
    server: DemoSiteServer, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(server.base_url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_documents_come_with_a_strong_etag_and_last_modified(served: DemoSiteServer) -> None:
    status, headers, body = _request(served, "/feeds/arlon.ics")
    assert status == 200
    assert body == served.documents["/feeds/arlon.ics"].body
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert headers["Content-Length"] == str(len(body))
    assert headers["ETag"] == '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    assert parsedate_to_datetime(headers["Last-Modified"]).tzinfo is not None


def test_links_in_documents_point_at_the_running_server(served: DemoSiteServer) -> None:
    _, _, body = _request(served, "/feeds/visit-grande-region.rss")
    assert f"<link>{served.base_url}/visit-grande-region/events/".encode() in body


def test_matching_validators_get_304_without_a_body(served: DemoSiteServer) -> None:
    _, headers, _ = _request(served, "/feeds/philharmonie.ics")
    etag, modified = headers["ETag"], headers["Last-Modified"]
    status, again, body = _request(
        served, "/feeds/philharmonie.ics", headers={"If-None-Match": etag}
    )
    assert (status, again["ETag"], body) == (304, etag, b"")
    status, _, body = _request(
        served, "/feeds/philharmonie.ics", headers={"If-None-Match": f'"other", {etag}'}
    )
    assert (status, body) == (304, b"")
    status, _, body = _request(
        served, "/feeds/philharmonie.ics", headers={"If-Modified-Since": modified}
    )
    assert (status, body) == (304, b"")


def test_stale_validators_get_the_document(served: DemoSiteServer) -> None:
    status, _, body = _request(served, "/feeds/philharmonie.ics", headers={"If-None-Match": '"x"'})
    assert status == 200
    assert body.startswith(b"BEGIN:VCALENDAR")
    status, _, _ = _request(
        served,
        "/feeds/philharmonie.ics",
        headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"},
    )
    assert status == 200


def test_a_changed_document_gets_a_new_etag_and_last_modified_moves_on(
    served: DemoSiteServer,
) -> None:
    _, before, _ = _request(served, "/feeds/arlon.ics")
    changed = dict(served.documents)
    changed["/feeds/arlon.ics"] = Document(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    served.replace(changed)
    status, after, _ = _request(
        served, "/feeds/arlon.ics", headers={"If-None-Match": before["ETag"]}
    )
    assert status == 200
    assert after["ETag"] != before["ETag"]


def test_unknown_paths_and_directories_are_404(served: DemoSiteServer) -> None:
    for path in ("/nothing", "/feeds/", "/sites/", "/feeds/arlon.ics/", "/../etc/passwd"):
        status, _, body = _request(served, path)
        assert (path, status, body) == (path, 404, b"not found\n")


def test_head_answers_headers_only(served: DemoSiteServer) -> None:
    status, headers, body = _request(served, "/index.html", method="HEAD")
    assert (status, body) == (200, b"")
    assert headers["Content-Length"] == str(len(served.documents["/index.html"].body))
    assert "ETag" in headers


def test_tec_pages_link_to_the_next_one(served: DemoSiteServer) -> None:
    endpoint = f"{served.base_url}/rockbuerg/wp-json/tec/v1/events"
    _, first, _ = _request(served, "/rockbuerg/wp-json/tec/v1/events")
    assert first["Link"] == f'<{endpoint}?page=2>; rel="next"'
    assert first["X-WP-TotalPages"] == "2"
    status, second, _ = _request(served, "/rockbuerg/wp-json/tec/v1/events?page=2")
    assert (status, second["Link"]) == (200, f'<{endpoint}?page=1>; rel="prev"')


def test_paths_with_a_query_are_served_as_published(served: DemoSiteServer) -> None:
    status, headers, _ = _request(served, "/sites/fabrique-metz/agenda/?page=2")
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert _request(served, "/sites/fabrique-metz/agenda/?page=3")[0] == 404


def test_a_ready_site_can_be_served_and_the_server_closes() -> None:
    site = {"/a.txt": Document(b"hello", "text/plain")}
    with serve_site(site) as server:
        assert server.base_url.startswith("http://127.0.0.1:")
        assert _request(server, "/a.txt")[2] == b"hello"
        address = urlsplit(server.base_url)
    with pytest.raises(ConnectionRefusedError):
        http.client.HTTPConnection(address.hostname or "", address.port, timeout=2).connect()


def test_serve_site_wants_exactly_one_of_site_and_build() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        serve_site()
