"""The sources behind each event (``Event.sources``)."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from pluriel.graphql.pool import Pool
from pluriel.store import read

__all__ = ["EventSourcesLoader"]


class EventSourcesLoader(DataLoader[int, list[read.SourceRefRow]]):
    def __init__(self, pool: Pool) -> None:
        super().__init__(load_fn=self._load)
        self._pool = pool

    async def _load(self, keys: list[int]) -> list[list[read.SourceRefRow]]:
        async with self._pool.connection() as conn:
            found = await read.sources_for_events(conn, keys)
        return [found.get(key, []) for key in keys]
