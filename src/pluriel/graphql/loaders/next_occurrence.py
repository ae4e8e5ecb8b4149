"""Each event's next occurrence at the request's "now"."""

from __future__ import annotations

from datetime import datetime

from strawberry.dataloader import DataLoader

from pluriel.graphql.pool import Pool
from pluriel.store import read

__all__ = ["NextOccurrenceLoader"]


class NextOccurrenceLoader(DataLoader[int, read.OccurrenceRow | None]):
    def __init__(self, pool: Pool, *, now: datetime) -> None:
        super().__init__(load_fn=self._load)
        self._pool = pool
        self._now = now

    async def _load(self, keys: list[int]) -> list[read.OccurrenceRow | None]:
        async with self._pool.connection() as conn:
            found = await read.next_occurrences(conn, keys, now=self._now)
        return [found.get(key) for key in keys]
