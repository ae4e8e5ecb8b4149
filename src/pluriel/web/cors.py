"""CORS: anonymous reads from anywhere, authenticated calls only from named origins.

The read API is public, so any page may call it without credentials
(``Access-Control-Allow-Origin: *``, never ``Allow-Credentials``). A request
carrying ``Authorization`` spends a portal's budget (or acts for an
institution), so a browser may send one only from an origin the operator
configured: the preflight for the header is granted to those origins alone,
and a cross-origin request that carries it anyway is refused with 403 (a
non-browser client sends no Origin and is not concerned).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["Cors"]

_METHODS = "GET, POST"
_ANONYMOUS_HEADERS = "Accept, Content-Type, If-None-Match"
_AUTHENTICATED_HEADERS = "Accept, Authorization, Content-Type, If-None-Match"
_EXPOSED = "ETag, Retry-After"
_MAX_AGE = "86400"


class Cors:
    def __init__(self, app: ASGIApp, *, origins: Sequence[str] = ()) -> None:
        self.app = app
        self.origins = frozenset(o.rstrip("/") for o in origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None:
            await self.app(scope, receive, send)
            return
        trusted = origin in self.origins
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await self._preflight(headers, origin, trusted, send)
            return
        if "authorization" in headers and not trusted:
            await _refuse(send, f"origin {origin} may not send credentials to this API")
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                if "authorization" in headers:
                    response_headers["Access-Control-Allow-Origin"] = origin
                    response_headers.add_vary_header("Origin")
                else:
                    response_headers["Access-Control-Allow-Origin"] = "*"
                response_headers["Access-Control-Expose-Headers"] = _EXPOSED
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _preflight(self, headers: Headers, origin: str, trusted: bool, send: Send) -> None:
        requested = {
            h.strip().lower()
            for h in headers.get("access-control-request-headers", "").split(",")
            if h.strip()
        }
        method = headers["access-control-request-method"].upper()
        allowed = {h.lower() for h in _ANONYMOUS_HEADERS.split(", ")}
        if trusted:
            allowed.add("authorization")
        if method not in ("GET", "POST") or not requested <= allowed:
            await _refuse(send, f"origin {origin} may not send {sorted(requested - allowed)}")
            return
        if trusted:
            response = [
                (b"access-control-allow-origin", origin.encode("latin-1")),
                (b"access-control-allow-headers", _AUTHENTICATED_HEADERS.encode()),
                (b"vary", b"Origin"),
            ]
        else:
            response = [
                (b"access-control-allow-origin", b"*"),
                (b"access-control-allow-headers", _ANONYMOUS_HEADERS.encode()),
            ]
        response += [
            (b"access-control-allow-methods", _METHODS.encode()),
            (b"access-control-max-age", _MAX_AGE.encode()),
            (b"content-length", b"0"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": response})
        await send({"type": "http.response.body", "body": b""})


async def _refuse(send: Send, message: str) -> None:
    body = json.dumps({"errors": [{"message": message}]}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
