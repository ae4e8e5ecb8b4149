"""Drive the real app in-process: its lifespan (the pool) and httpx's ASGI transport.

Requests and the lifespan share one event loop, as under uvicorn, because
the pool's connections belong to the loop that opened them.
"""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType
from typing import Any

import httpx
from starlette.applications import Starlette


class AppClient:
    def __init__(self, app: Starlette) -> None:
        self.app = app
        self._runner = asyncio.Runner()
        self._stack = contextlib.AsyncExitStack()
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )

    def __enter__(self) -> AppClient:
        self._runner.__enter__()
        self._runner.run(
            self._stack.enter_async_context(self.app.router.lifespan_context(self.app))
        )
        self._runner.run(self._stack.enter_async_context(self._client))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self._runner.run(self._stack.aclose())
        finally:
            self._runner.__exit__(exc_type, exc, tb)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self._runner.run(self._client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def options(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("OPTIONS", url, **kwargs)
