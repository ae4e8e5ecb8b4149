"""Run GraphQL documents against the real schema, a real database and a frozen clock.

Documents go through ``schema.execute`` with the same :class:`Context` the
web app builds, so resolvers, DataLoaders and store queries are the
production ones; only "now" is fixed. Every SQL statement the pool's
connections send is recorded, for the query-count checks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from pluriel.graphql import Context, build_schema

SCHEMA = build_schema()


@dataclass
class Result:
    data: dict[str, Any] | None
    errors: list[str]
    statements: list[str] = field(default_factory=list)


def _counting_cursor(statements: list[str]) -> type[psycopg.AsyncCursor[Any]]:
    class CountingCursor(psycopg.AsyncCursor[Any]):
        async def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            text = query if isinstance(query, str) else query.as_string(self._conn)
            statements.append(text)
            return await super().execute(query, params, **kwargs)

    return CountingCursor


async def _run(url: str, document: str, variables: dict[str, Any] | None, now: datetime) -> Result:
    statements: list[str] = []

    async def configure(conn: psycopg.AsyncConnection[Any]) -> None:
        conn.cursor_factory = _counting_cursor(statements)

    pool: AsyncConnectionPool[psycopg.AsyncConnection[dict[str, Any]]] = AsyncConnectionPool(
        url,
        min_size=1,
        max_size=4,
        kwargs={"row_factory": dict_row, "autocommit": True},
        configure=configure,
        open=False,
    )
    await pool.open(wait=True)
    try:
        result = await SCHEMA.execute(
            document, variable_values=variables, context_value=Context.create(pool, now=now)
        )
    finally:
        await pool.close()
    return Result(
        data=result.data,
        errors=[error.message for error in result.errors or ()],
        statements=statements,
    )


Run = Callable[..., Result]


@pytest.fixture
def gql(db_url: str, now: datetime) -> Run:
    """``gql(document, **variables)`` -> :class:`Result`, at the frozen ``now``."""

    def run(document: str, *, at: datetime | None = None, **variables: Any) -> Result:
        return asyncio.run(_run(db_url, document, variables or None, at or now))

    return run
