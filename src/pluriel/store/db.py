"""Where the database is, and how to talk to it.

``DATABASE_URL`` names a server. Without it, pluriel runs an embedded
PostgreSQL (the ``pgserver`` wheel) whose data lives in
``$PLURIEL_HOME/pgdata``. pgserver records every process that uses a data
directory, so a second ``pluriel`` process on the same home attaches to the
running server rather than starting a second postmaster on the same files,
and the server stops when the last user exits.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, ClassVar

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from pluriel.errors import StoreError
from pluriel.settings import Settings

__all__ = ["EmbeddedServer", "connect", "open_async_pool", "resolve_database_url"]


class EmbeddedServer:
    """A pgserver-managed PostgreSQL in one directory, shared by processes."""

    _lock = threading.Lock()
    _servers: ClassVar[dict[Path, Any]] = {}

    def __init__(self, home: Path) -> None:
        self.pgdata = (home / "pgdata").resolve()

    def url(self) -> str:
        with self._lock:
            server = self._servers.get(self.pgdata)
            if server is None:
                try:
                    # Inline: the embedded server is only needed without DATABASE_URL.
                    import pgserver
                except ImportError as exc:  # pragma: no cover - dependency of the package
                    raise StoreError("the embedded PostgreSQL (pgserver) is not installed") from exc
                self.pgdata.parent.mkdir(parents=True, exist_ok=True)
                try:
                    server = pgserver.get_server(self.pgdata, cleanup_mode="stop")
                except Exception as exc:  # pgserver raises plain exceptions
                    raise StoreError(
                        f"could not start the embedded PostgreSQL in {self.pgdata}: {exc}"
                    ) from exc
                self._servers[self.pgdata] = server
            uri: str = server.get_uri()
            return uri


def resolve_database_url(settings: Settings) -> str:
    """``DATABASE_URL`` when set, otherwise the embedded server's address."""
    if settings.database_url:
        return settings.database_url
    return EmbeddedServer(settings.home).url()


def connect(url: str, *, autocommit: bool = False) -> psycopg.Connection[dict[str, Any]]:
    try:
        return psycopg.connect(url, autocommit=autocommit, row_factory=dict_row)
    except psycopg.OperationalError as exc:
        raise StoreError(f"cannot connect to PostgreSQL: {exc}") from exc


def open_async_pool(
    url: str, *, min_size: int = 1, max_size: int = 8, timeout: float = 30.0
) -> AsyncConnectionPool[psycopg.AsyncConnection[dict[str, Any]]]:
    """A pool for the web app; the caller opens it in its lifespan.

    ``timeout`` bounds the wait for a connection: while the database is away
    requests fail fast (503) instead of queueing.
    """
    return AsyncConnectionPool(
        url,
        min_size=min_size,
        max_size=max_size,
        timeout=timeout,
        kwargs={"row_factory": dict_row, "autocommit": True},
        open=False,
        name="pluriel",
    )
