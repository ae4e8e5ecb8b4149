"""The web application: /graphql, the open feeds and /healthz over one connection pool.

The pool is opened in the lifespan, not at import or construction, so
building the app is free and tests control exactly when the database is
touched. The pool opens without waiting for the database: the process
starts even when PostgreSQL is down, and /healthz says so with a 503.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg_pool import PoolTimeout
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from pluriel.graphql import Context, build_schema
from pluriel.graphql.documents import trusted_documents
from pluriel.graphql.mutations import RequestContext
from pluriel.graphql.pool import Pool
from pluriel.ops.logging import RequestIdMiddleware
from pluriel.ops.metrics import MetricsMiddleware, metrics_route
from pluriel.settings import Settings
from pluriel.store import open_async_pool
from pluriel.web import feeds, submit, widget
from pluriel.web.budget import Budgets
from pluriel.web.cors import Cors
from pluriel.web.graphql import RESPONSE_TTL, GraphQLGate
from pluriel.web.limits import BodySizeLimit
from pluriel.web.widget import documents as widget_documents

__all__ = ["ANONYMOUS_POINTS", "MAX_BODY_BYTES", "PORTAL_POINTS", "create_app"]

MAX_BODY_BYTES = 1_000_000
#: How long /healthz waits for a connection before calling the database down.
HEALTH_TIMEOUT = 2.0
#: How long a request waits for a pooled connection before it is answered 503.
POOL_TIMEOUT = 5.0
#: Query-cost points a minute: per anonymous client address, and per portal key.
#: A page of 20 events with place and categories costs about 200, a page of
#: 100 changes with their events about 6,000.
ANONYMOUS_POINTS = 20_000
PORTAL_POINTS = 200_000


@dataclass(slots=True)
class _State:
    pool: Pool | None = None

    def require_pool(self) -> Pool:
        if self.pool is None:
            raise RuntimeError("the app is used outside its lifespan")
        return self.pool


class _GraphQLApp(GraphQL[Context, None]):
    def __init__(
        self,
        state: _State,
        *,
        settings: Settings,
        now: Callable[[], datetime] | None = None,
        write_url: str | None = None,
    ) -> None:
        super().__init__(
            build_schema(debug=settings.debug, introspection=settings.graphiql or settings.debug),
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
        )
        self._state = state
        self._now = now
        self._write_url = write_url

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return RequestContext.for_request(
            self._state.require_pool(),
            headers=request.headers,
            now=None if self._now is None else self._now(),
            write_url=self._write_url,
        )


def create_app(
    settings: Settings,
    *,
    database_url: str,
    cors_origins: Sequence[str] = (),
    trusted_documents_only: bool = False,
    anonymous_points: int = ANONYMOUS_POINTS,
    portal_points: int = PORTAL_POINTS,
    clock: Callable[[], float] = time.monotonic,
    now: Callable[[], datetime] | None = None,
    response_ttl: float = RESPONSE_TTL,
    read_url: str | None = None,
) -> Starlette:
    """The ASGI app.

    ``cors_origins`` may send ``Authorization`` from a browser (anonymous reads
    are open to every origin); ``trusted_documents_only`` runs only the
    documents registered in ``pluriel.graphql.documents``; the budgets are
    query-cost points a minute, measured with ``clock``; ``now`` (tests) fixes
    the instant "from now" means; anonymous GET answers are reused in-process for
    ``response_ttl`` seconds (0 turns that off). With ``read_url`` (a streaming
    replica, ``DATABASE_READ_URL``) queries and feeds read there while mutations,
    submissions and uploads write to ``database_url``.
    """
    state = _State()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pool = open_async_pool(
            read_url or database_url,
            min_size=settings.pool_min,
            max_size=settings.pool_max,
            timeout=POOL_TIMEOUT,
        )
        await pool.open(wait=False)
        state.pool = pool
        try:
            yield
        finally:
            state.pool = None
            await pool.close()

    async def healthz(request: Request) -> Response:
        headers = {"Cache-Control": "no-store"}
        try:
            async with state.require_pool().connection(timeout=HEALTH_TIMEOUT) as conn:
                await conn.execute("select 1")
        except (psycopg.Error, PoolTimeout):
            return JSONResponse(
                {"status": "unavailable", "database": "unreachable"}, 503, headers=headers
            )
        return JSONResponse({"status": "ok", "database": "ok"}, headers=headers)

    gate = GraphQLGate(
        _GraphQLApp(
            state, settings=settings, now=now, write_url=database_url if read_url else None
        ),
        pool=state.require_pool,
        anonymous=Budgets(per_minute=anonymous_points, clock=clock),
        portal=Budgets(per_minute=portal_points, clock=clock),
        documents=trusted_documents(
            {f"widget/{name}": text for name, text in widget_documents().items()}
        ),
        trusted_only=trusted_documents_only,
        response_ttl=response_ttl,
        clock=clock,
    )
    return Starlette(
        debug=settings.debug,
        routes=[
            Route("/graphql", gate, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            *feeds.routes(state.require_pool, now=now),
            *widget.routes(pool=state.require_pool),
            *submit.routes(settings, database_url=database_url),
            metrics_route(multiprocess_dir=settings.metrics_multiproc_dir),
        ],
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(MetricsMiddleware),
            Middleware(Cors, origins=cors_origins),
            Middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES),
        ],
        lifespan=lifespan,
    )
