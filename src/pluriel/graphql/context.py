"""What every resolver can reach: the pool, this request's loaders, and its clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pluriel.graphql.loaders import Loaders
from pluriel.graphql.pool import Pool

__all__ = ["Context"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    pool: Pool
    loaders: Loaders
    #: One instant per request, so "upcoming" means the same thing in every field.
    now: datetime

    @classmethod
    def create(cls, pool: Pool, *, now: datetime | None = None) -> Context:
        instant = now or datetime.now(UTC)
        return cls(pool=pool, loaders=Loaders.create(pool, now=instant), now=instant)
