"""The connection pool type the API reads through."""

from __future__ import annotations

from typing import Any, TypeAlias

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

__all__ = ["Pool"]

Pool: TypeAlias = AsyncConnectionPool[AsyncConnection[dict[str, Any]]]
