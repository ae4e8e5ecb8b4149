"""The two ASGI apps the HTTP benchmark serves with uvicorn ``--factory``.

``api`` is the real application with budgets large enough that one loopback
client is never rate limited (the benchmark measures throughput, not the
budget); ``bare`` is the ceiling: Starlette answering a constant JSON body;
``api_cached`` is the real app behind a sketch of a response cache.
The database comes from ``DATABASE_URL``.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pluriel.settings import Settings
from pluriel.web.app import create_app

__all__ = ["api", "api_cached", "bare"]

UNLIMITED = 10**12


def api() -> Starlette:
    home = Path(os.environ.get("PLURIEL_HOME") or tempfile.gettempdir()) / "pluriel-bench"
    settings = Settings(home=home, pool_max=4)
    return create_app(
        settings,
        database_url=os.environ["DATABASE_URL"],
        anonymous_points=UNLIMITED,
        portal_points=UNLIMITED,
    )


_BODY = {"data": {"events": {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}}}


async def _bare(request: Request) -> Response:
    return JSONResponse(_BODY, headers={"Cache-Control": "public, max-age=60"})


def bare() -> Starlette:
    return Starlette(routes=[Route("/graphql", _bare, methods=["GET"])])


class _ResponseCache:
    """What closing ``http_vs_bare`` would take: anonymous GETs answered from memory for a minute.

    A sketch for the benchmark only (no size bound, no invalidation beyond the
    TTL): it shows the ceiling an in-process or nginx cache in front of
    /graphql reaches, as the cached widget query is public for 60 s anyway.
    """

    def __init__(self, app: ASGIApp, *, ttl: float = 60.0) -> None:
        self.app = app
        self.ttl = ttl
        self.entries: dict[bytes, tuple[float, list[Message]]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cacheable = (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and scope["path"] == "/graphql"
            and not any(name == b"authorization" for name, _ in scope["headers"])
        )
        if not cacheable:
            await self.app(scope, receive, send)
            return
        key = scope["query_string"]
        hit = self.entries.get(key)
        if hit is not None and hit[0] > time.monotonic():
            for message in hit[1]:
                await send(message)
            return
        captured: list[Message] = []

        async def keep(message: Message) -> None:
            captured.append(message)
            await send(message)

        await self.app(scope, receive, keep)
        if captured and captured[0].get("status") == 200:
            self.entries[key] = (time.monotonic() + self.ttl, captured)


def api_cached() -> ASGIApp:
    return _ResponseCache(api())
