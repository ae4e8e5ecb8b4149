"""Every language's title and description of events, source language first."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from pluriel.graphql.pool import Pool
from pluriel.store import read

__all__ = ["TextsLoader"]


class TextsLoader(DataLoader[int, list[read.TextRow]]):
    def __init__(self, pool: Pool) -> None:
        super().__init__(load_fn=self._load)
        self._pool = pool

    async def _load(self, keys: list[int]) -> list[list[read.TextRow]]:
        async with self._pool.connection() as conn:
            found = await read.texts_for_events(conn, keys)
        return [found.get(key, []) for key in keys]
