"""Reference data the ingest leans on: the category tree and the gazetteer of places."""

from __future__ import annotations

from typing import Any

import psycopg

from pluriel.aggregator.taxonomy import taxonomy_rows
from pluriel.model import fold
from pluriel.store import write

__all__ = ["ensure_categories", "resolve_place_id"]

Conn = psycopg.Connection[dict[str, Any]]


def ensure_categories(conn: Conn) -> None:
    """Load the versioned category tree into ``category`` when it is missing or outdated."""
    rows = taxonomy_rows()
    have = conn.execute("select count(*) as n from category").fetchone()
    if have is not None and have["n"] == len(rows):
        return
    write.upsert_categories(conn, rows)


def resolve_place_id(
    conn: Conn, place: dict[str, Any] | None, *, cache: dict[tuple[str, str], int]
) -> int | None:
    """The gazetteer id for a normalised place payload, created when it is new."""
    if not place or not place.get("name"):
        return None
    name = next(iter(place["name"].values()))
    key = (fold(name), fold(place.get("locality") or ""))
    found = cache.get(key)
    if found is None:
        found = write.upsert_place(conn, place, name_folded=key[0], locality_folded=key[1] or None)
        cache[key] = found
    return found
