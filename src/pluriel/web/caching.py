"""HTTP caching of public reads: Cache-Control, a strong ETag, and 304.

Anonymous answers are the same for everyone, so shared caches (nginx, a
CDN) may keep them a minute; an answer to an authenticated request is
``private, no-store``. The ETag is a hash of the exact body, so it changes
exactly when the bytes do; exporters are deterministic, so an unchanged
feed keeps its ETag across requests.
"""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers
from starlette.responses import Response

__all__ = ["PUBLIC_MAX_AGE", "cache_headers", "etag_of", "not_modified", "respond"]

PUBLIC_MAX_AGE = 60


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def cache_headers(*, authenticated: bool, cacheable: bool = True) -> dict[str, str]:
    if authenticated or not cacheable:
        return {"Cache-Control": "private, no-store"}
    return {"Cache-Control": f"public, max-age={PUBLIC_MAX_AGE}", "Vary": "Authorization"}


def not_modified(request_headers: Headers, etag: str) -> bool:
    """Whether If-None-Match names ``etag`` (weak comparison, as RFC 9110 asks for GET)."""
    header = request_headers.get("if-none-match")
    if header is None:
        return False
    if header.strip() == "*":
        return True
    wanted = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in wanted


def respond(
    request_headers: Headers,
    body: bytes,
    *,
    media_type: str,
    authenticated: bool,
    status_code: int = 200,
    cacheable: bool = True,
) -> Response:
    """A response with caching headers, or an empty 304 when the client has these bytes."""
    headers = cache_headers(authenticated=authenticated, cacheable=cacheable)
    if status_code != 200 or authenticated or not cacheable:
        return Response(body, status_code, headers=headers, media_type=media_type)
    etag = etag_of(body)
    headers["ETag"] = etag
    if not_modified(request_headers, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, status_code, headers=headers, media_type=media_type)
