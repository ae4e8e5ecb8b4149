"""Institutions by id."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from pluriel.graphql.pool import Pool
from pluriel.store import read

__all__ = ["InstitutionLoader"]


class InstitutionLoader(DataLoader[int, read.InstitutionRow | None]):
    def __init__(self, pool: Pool) -> None:
        super().__init__(load_fn=self._load)
        self._pool = pool

    async def _load(self, keys: list[int]) -> list[read.InstitutionRow | None]:
        async with self._pool.connection() as conn:
            found = await read.institutions_by_ids(conn, keys)
        return [found.get(key) for key in keys]
