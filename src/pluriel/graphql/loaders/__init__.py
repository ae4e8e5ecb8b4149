"""One DataLoader per nested object, created afresh for every request.

A loader's cache lives as long as its request, so a page never sees rows
from another request's snapshot and memory is freed with the response.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pluriel.graphql.loaders.categories import EventCategoriesLoader
from pluriel.graphql.loaders.events import EventLoader
from pluriel.graphql.loaders.institutions import InstitutionLoader
from pluriel.graphql.loaders.next_occurrence import NextOccurrenceLoader
from pluriel.graphql.loaders.occurrences import OccurrencesLoader
from pluriel.graphql.loaders.places import PlaceLoader
from pluriel.graphql.loaders.sources import EventSourcesLoader
from pluriel.graphql.loaders.texts import TextsLoader
from pluriel.graphql.pool import Pool

__all__ = [
    "EventCategoriesLoader",
    "EventLoader",
    "EventSourcesLoader",
    "InstitutionLoader",
    "Loaders",
    "NextOccurrenceLoader",
    "OccurrencesLoader",
    "PlaceLoader",
    "TextsLoader",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Loaders:
    event: EventLoader
    texts: TextsLoader
    institution: InstitutionLoader
    place: PlaceLoader
    categories: EventCategoriesLoader
    occurrences: OccurrencesLoader
    next_occurrence: NextOccurrenceLoader
    sources: EventSourcesLoader

    @classmethod
    def create(cls, pool: Pool, *, now: datetime) -> Loaders:
        return cls(
            event=EventLoader(pool),
            texts=TextsLoader(pool),
            institution=InstitutionLoader(pool),
            place=PlaceLoader(pool),
            categories=EventCategoriesLoader(pool),
            occurrences=OccurrencesLoader(pool),
            next_occurrence=NextOccurrenceLoader(pool, now=now),
            sources=EventSourcesLoader(pool),
        )
