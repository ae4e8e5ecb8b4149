"""An ASGI entry point built from the environment, for servers that start workers by import.

``pluriel serve --workers N`` (and ``uvicorn --factory pluriel.web.asgi:app``)
import this in each worker process; each worker opens its own pool. With no
``DATABASE_URL`` every worker attaches to the same embedded server.
"""

from __future__ import annotations

from starlette.applications import Starlette

from pluriel.settings import Settings
from pluriel.store import resolve_database_url
from pluriel.web.app import create_app

__all__ = ["app"]


def app() -> Starlette:
    settings = Settings.from_env()
    return create_app(
        settings,
        database_url=resolve_database_url(settings),
        read_url=settings.database_read_url,
    )
