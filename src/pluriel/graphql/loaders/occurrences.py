"""The occurrences of events inside a window (``Event.occurrences(from, to)``).

The key carries the window because one query may ask different windows for
different events; keys sharing a window are read with one statement.
"""

from __future__ import annotations

from collections import defaultdict

from strawberry.dataloader import DataLoader

from pluriel.graphql.pool import Pool
from pluriel.store import read

__all__ = ["OccurrencesLoader"]

Key = tuple[int, read.Window]


class OccurrencesLoader(DataLoader[Key, list[read.OccurrenceRow]]):
    def __init__(self, pool: Pool) -> None:
        super().__init__(load_fn=self._load)
        self._pool = pool

    async def _load(self, keys: list[Key]) -> list[list[read.OccurrenceRow]]:
        by_window: dict[read.Window, list[int]] = defaultdict(list)
        for event_id, window in keys:
            by_window[window].append(event_id)
        found: dict[Key, list[read.OccurrenceRow]] = {}
        async with self._pool.connection() as conn:
            for window, event_ids in by_window.items():
                rows = await read.occurrences_for_events(conn, event_ids, window)
                for event_id in event_ids:
                    found[event_id, window] = rows.get(event_id, [])
        return [found[key] for key in keys]
