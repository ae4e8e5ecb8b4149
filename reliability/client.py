"""The real app in-process: its lifespan (the pool) and httpx's ASGI transport on one loop."""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType
from typing import Any

import httpx
from starlette.applications import Starlette

__all__ = ["InProcess"]


class InProcess:
    def __init__(self, app: Starlette) -> None:
        self.app = app
        self._runner = asyncio.Runner()
        self._stack = contextlib.AsyncExitStack()
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
            base_url="http://testserver",
            timeout=60,
        )

    def __enter__(self) -> InProcess:
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

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)
