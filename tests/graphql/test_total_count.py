"""totalCount: exact up to the cap, the planner's estimate (never below the cap) beyond it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg.rows import dict_row

from pluriel.store import read
from tests import factories as f

START = datetime(2026, 10, 2, tzinfo=UTC)


async def _counts(url: str, cap: int) -> tuple[read.Count, read.Count]:
    async with await psycopg.AsyncConnection.connect(url, row_factory=dict_row) as conn:
        flt = read.ReadFilter(window=read.Window(START - timedelta(days=1), None))
        events = await read.count_events(conn, flt, exact_limit=cap)
        occurrences = await read.count_occurrences(conn, flt, exact_limit=cap)
    return events, occurrences


def test_counts_are_exact_up_to_the_cap_then_estimated(
    db_url: str, conn: psycopg.Connection[Any]
) -> None:
    institution = f.institution(conn)
    for n in range(12):
        f.event(
            conn,
            institution_id=institution,
            texts={"fr": (f"Soirée {n}", None)},
            occurrences=[START + timedelta(days=n), START + timedelta(days=n, hours=3)],
        )
    conn.commit()
    conn.execute("analyze")
    conn.commit()
    assert asyncio.run(_counts(db_url, 30)) == (read.Count(12, True), read.Count(24, True))
    assert asyncio.run(_counts(db_url, 24)) == (read.Count(12, True), read.Count(24, True))
    events, occurrences = asyncio.run(_counts(db_url, 10))
    assert (events.exact, occurrences.exact) == (False, False)
    assert events.value >= 11
    assert occurrences.value >= 11
