"""The web application: /graphql and /healthz over one connection pool.

The pool is opened in the lifespan, not at import or construction, so
building the app is free and tests control exactly when the database is
touched. The pool opens without waiting for the database: the process
starts even when PostgreSQL is down, and /healthz says so with a 503.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import psycopg
from psycopg_pool import PoolTimeout
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from pluriel.graphql import Context, build_schema
from pluriel.graphql.pool import Pool
from pluriel.settings import Settings
from pluriel.store import open_async_pool
from pluriel.web.limits import BodySizeLimit

__all__ = ["MAX_BODY_BYTES", "create_app"]

MAX_BODY_BYTES = 1_000_000
#: How long /healthz waits for a connection before calling the database down.
HEALTH_TIMEOUT = 2.0


@dataclass(slots=True)
class _State:
    pool: Pool | None = None

    def require_pool(self) -> Pool:
        if self.pool is None:
            raise RuntimeError("the app is used outside its lifespan")
        return self.pool


class _GraphQLApp(GraphQL[Context, None]):
    def __init__(self, state: _State, *, settings: Settings) -> None:
        super().__init__(
            build_schema(debug=settings.debug, introspection=settings.graphiql or settings.debug),
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
        )
        self._state = state

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context.create(self._state.require_pool())


def create_app(settings: Settings, *, database_url: str) -> Starlette:
    state = _State()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pool = open_async_pool(database_url, min_size=settings.pool_min, max_size=settings.pool_max)
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

    return Starlette(
        debug=settings.debug,
        routes=[
            Route("/graphql", _GraphQLApp(state, settings=settings), methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        middleware=[
            # The anonymous read API is public: any origin, never credentials.
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "POST"],
                allow_headers=["Content-Type", "Accept"],
                allow_credentials=False,
                max_age=86_400,
            ),
            Middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES),
        ],
        lifespan=lifespan,
    )
