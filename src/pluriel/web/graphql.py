"""The /graphql endpoint's front door: key, document, budget, then strawberry, then caching.

In order, for every request:

1. ``Authorization: Bearer plr_…`` names a portal (or an institution); a
   malformed, unknown or revoked token is a 401, never a silent downgrade to
   anonymous. The verified key (or ``None``) is left in ``request.state.api_key``.
2. The document is the request's ``query``, or a registered one named by
   ``documentId`` (``sha256:<hex>``) or by the ``persistedQuery`` extension.
   With ``trusted_only`` nothing else runs.
3. Its cost (:mod:`pluriel.graphql.cost`) is taken from the client's
   per-minute budget: 429 with ``Retry-After`` when it is spent.
4. Strawberry runs the document. A successful anonymous GET is public for a
   minute and carries an ETag; a matching ``If-None-Match`` gets a 304.

Requests for the GraphiQL page and bodies that are not a JSON object go
straight to strawberry, which answers them as it always has.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pluriel.graphql.cost import query_cost
from pluriel.graphql.documents import TrustedDocument, document_id
from pluriel.graphql.errors import UNAVAILABLE
from pluriel.graphql.pool import Pool
from pluriel.ops.metrics import observe_query_cost
from pluriel.store.keys import KeyIdentity, lookup_key
from pluriel.web import caching
from pluriel.web.budget import Budgets

__all__ = ["GraphQLGate", "RequestError"]


class RequestError(Exception):
    """A request refused before it reaches the schema; carries its HTTP answer."""

    def __init__(
        self, status: int, message: str, code: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.headers = dict(headers or {})

    def response(self) -> Response:
        body = {"errors": [{"message": str(self), "extensions": {"code": self.code}}]}
        return JSONResponse(
            body, self.status, headers={"Cache-Control": "no-store", **self.headers}
        )


#: Seconds an anonymous GET answer is reused in-process, and how many are kept.
RESPONSE_TTL = 15.0
RESPONSE_CACHE_SIZE = 512


@dataclass(frozen=True, slots=True)
class _Captured:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class GraphQLGate:
    def __init__(
        self,
        app: ASGIApp,
        *,
        pool: Callable[[], Pool],
        anonymous: Budgets,
        portal: Budgets,
        documents: Mapping[str, TrustedDocument],
        trusted_only: bool = False,
        response_ttl: float = RESPONSE_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.response_ttl = response_ttl
        self._clock = clock
        #: Anonymous GET answers, reused for ``response_ttl`` seconds (less than the
        #: max-age clients and caches are told), so a popular widget query runs once.
        self._responses: OrderedDict[str, tuple[float, _Captured]] = OrderedDict()
        #: Gives the pool, which exists only inside the app's lifespan.
        self._pool = pool
        self.anonymous = anonymous
        self.portal = portal
        self.documents = documents
        self.trusted_only = trusted_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            await self._handle(request, scope, send)
        except RequestError as error:
            await error.response()(scope, receive, send)

    async def _handle(self, request: Request, scope: Scope, send: Send) -> None:
        identity = await self._identify(request.headers)
        # Resolvers that act for a key (mutations) find it as request.state.api_key.
        scope.setdefault("state", {})["api_key"] = identity
        method = request.method
        if method == "GET" and "text/html" in request.headers.get("accept", ""):
            await self.app(scope, request.receive, send)
            return
        if method == "GET":
            payload: Any = dict(request.query_params)
            for name in ("extensions", "variables"):
                if isinstance(payload.get(name), str):
                    payload[name] = _json_param(payload[name], name)
        else:
            body = await request.body()
            payload = _json_body(body) if _is_json(request.headers) else None
            if isinstance(payload, list):
                raise RequestError(
                    400, "batched queries are not supported: send one object", "BATCH_NOT_SUPPORTED"
                )
            if payload is not None and not isinstance(payload, dict):
                raise RequestError(400, "the JSON body must be an object", "BAD_REQUEST")
            if payload is None:
                await self._charge(request, identity, 1)
                await self.app(scope, _replay(body), send)
                return
        query = self._document(payload)
        cost = query_cost(query)
        await self._charge(request, identity, cost)
        observe_query_cost(cost)
        payload = {k: v for k, v in payload.items() if k != "documentId"}
        if isinstance(payload.get("extensions"), dict):
            extensions = {k: v for k, v in payload["extensions"].items() if k != "persistedQuery"}
            payload["extensions"] = extensions or None
        payload["query"] = query
        key = None
        if method == "GET" and identity is None and self.response_ttl > 0:
            key = json.dumps(payload, sort_keys=True, default=str)
            cached = self._cached(key)
            if cached is not None:
                await self._answer(request, identity, method, cached)(scope, request.receive, send)
                return
        captured = await self._run(scope, method, payload)
        if captured.status == 200 and f'"{UNAVAILABLE}"'.encode() in captured.body:
            raise RequestError(
                503,
                "the database is unavailable; retry shortly",
                UNAVAILABLE,
                {"Retry-After": "5"},
            )
        if key is not None and captured.status == 200 and not _has_errors(captured.body):
            self._remember(key, captured)
        await self._answer(request, identity, method, captured)(scope, request.receive, send)

    def _cached(self, key: str) -> _Captured | None:
        found = self._responses.get(key)
        if found is None:
            return None
        expires, captured = found
        if expires <= self._clock():
            del self._responses[key]
            return None
        self._responses.move_to_end(key)
        return captured

    def _remember(self, key: str, captured: _Captured) -> None:
        self._responses[key] = (self._clock() + self.response_ttl, captured)
        self._responses.move_to_end(key)
        while len(self._responses) > RESPONSE_CACHE_SIZE:
            self._responses.popitem(last=False)

    async def _identify(self, headers: Headers) -> KeyIdentity | None:
        header = headers.get("authorization")
        if header is None:
            return None
        scheme, _, token = header.strip().partition(" ")
        unauthorised = RequestError(
            401,
            "invalid or revoked API key: send `Authorization: Bearer plr_…` with a live token,"
            " or no Authorization header for anonymous reads",
            "UNAUTHENTICATED",
            {"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthorised
        async with self._pool().connection() as conn:
            identity = await lookup_key(conn, token.strip())
        if identity is None:
            raise unauthorised
        return identity

    def _document(self, payload: dict[str, Any]) -> str:
        wanted = payload.get("documentId")
        extensions = payload.get("extensions")
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        if wanted is None and isinstance(persisted, dict):
            digest = persisted.get("sha256Hash")
            wanted = f"sha256:{digest}" if isinstance(digest, str) else digest
        if wanted is not None:
            document = self.documents.get(wanted) if isinstance(wanted, str) else None
            if document is None:
                raise RequestError(
                    400, f"unknown document {wanted!r}: see docs/API.md", "DOCUMENT_NOT_FOUND"
                )
            return document.text
        query = payload.get("query")
        if not isinstance(query, str) or not query.strip():
            raise RequestError(400, "no `query` and no `documentId` in the request", "BAD_REQUEST")
        if self.trusted_only and document_id(query) not in self.documents:
            raise RequestError(
                400,
                "this server runs registered documents only: send"
                ' {"documentId": "sha256:<hex>"} naming one (see docs/API.md)',
                "DOCUMENT_NOT_TRUSTED",
            )
        return query

    async def _charge(self, request: Request, identity: KeyIdentity | None, cost: int) -> None:
        if identity is None:
            budget = self.anonymous
            client = "ip:" + (request.client.host if request.client else "unknown")
        else:
            budget, client = self.portal, f"key:{identity.id}"
        if cost > budget.per_minute:
            raise RequestError(
                400,
                f"this query costs {cost} points, more than the {budget.per_minute} a minute"
                " this client may spend: ask for smaller pages (`first`) or fewer fields",
                "QUERY_TOO_COSTLY",
            )
        charge = budget.charge(client, cost)
        if not charge.allowed:
            raise RequestError(
                429,
                f"budget of {budget.per_minute} points a minute spent (this query costs {cost});"
                f" retry in {charge.retry_after} s",
                "RATE_LIMITED",
                {"Retry-After": str(charge.retry_after)},
            )

    async def _run(self, scope: Scope, method: str, payload: dict[str, Any]) -> _Captured:
        inner_scope = dict(scope)
        if method == "GET":
            params = {
                k: v if isinstance(v, str) else json.dumps(v)
                for k, v in payload.items()
                if v is not None
            }
            inner_scope["query_string"] = urlencode(params).encode()
            body = b""
        else:
            body = json.dumps(payload).encode()
            inner_scope["headers"] = [
                (k, v) for k, v in scope["headers"] if k != b"content-length"
            ] + [(b"content-length", str(len(body)).encode())]
        status = 500
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(inner_scope, _replay(body), capture)
        return _Captured(status, headers, b"".join(chunks))

    def _answer(
        self, request: Request, identity: KeyIdentity | None, method: str, captured: _Captured
    ) -> Response:
        media_type = next(
            (v.decode("latin-1") for k, v in captured.headers if k == b"content-type"),
            "application/json",
        )
        if method != "GET":
            return Response(
                captured.body,
                captured.status,
                headers={"Cache-Control": "no-store"},
                media_type=media_type,
            )
        return caching.respond(
            request.headers,
            captured.body,
            media_type=media_type,
            authenticated=identity is not None,
            status_code=captured.status,
            cacheable=captured.status == 200 and not _has_errors(captured.body),
        )


def _is_json(headers: Headers) -> bool:
    """Strawberry's own test (a substring), so nothing it would run escapes the budget."""
    return "application/json" in headers.get("content-type", "").split(";")[0].lower()


def _json_body(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _json_param(value: str, name: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        raise RequestError(400, f"`{name}` is not valid JSON", "BAD_REQUEST") from None


def _has_errors(body: bytes) -> bool:
    parsed = _json_body(body)
    return not isinstance(parsed, dict) or bool(parsed.get("errors"))


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive
