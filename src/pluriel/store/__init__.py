"""PostgreSQL through psycopg 3: the embedded server, migrations, queries."""

from __future__ import annotations

from pluriel.store.db import EmbeddedServer, connect, open_async_pool, resolve_database_url
from pluriel.store.migrate import applied_versions, migrate

__all__ = [
    "EmbeddedServer",
    "applied_versions",
    "connect",
    "migrate",
    "open_async_pool",
    "resolve_database_url",
]
