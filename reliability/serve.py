"""``python -m reliability.serve DATABASE_URL HOME PORT``: the app as the drills load it.

The budgets are raised: every drill request comes from 127.0.0.1, and one
visitor's budget would not last a soak. The widget routes are mounted when
the app does not mount them itself yet.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from pluriel.graphql.pool import Pool
from pluriel.settings import Settings
from pluriel.store import open_async_pool
from pluriel.web.app import create_app

__all__ = ["build_app", "main"]


def build_app(database_url: str, home: Path, *, real_budgets: bool = False) -> Starlette:
    """``real_budgets`` keeps the production query-cost budgets (the abuse drills need them)."""
    settings = Settings(home=home, database_url=database_url)
    if real_budgets:
        app = create_app(settings, database_url=database_url)
    else:
        app = create_app(
            settings, database_url=database_url, anonymous_points=10**9, portal_points=10**9
        )
    if any(getattr(route, "path", "") == "/widget.js" for route in app.router.routes):
        return app
    from pluriel.web.widget import routes

    holder: dict[str, Pool] = {}
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Starlette) -> AsyncIterator[None]:
        async with inner(application):
            pool = open_async_pool(database_url, min_size=1, max_size=4)
            await pool.open(wait=False)
            holder["pool"] = pool
            try:
                yield
            finally:
                await pool.close()

    app.router.lifespan_context = lifespan
    app.router.routes.extend(routes(pool=lambda: holder["pool"]))
    return app


def main() -> None:
    url, home, port = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    uvicorn.run(build_app(url, home), host="127.0.0.1", port=port, log_level="warning", ws="none")


if __name__ == "__main__":
    main()
