"""Reference data the ingest leans on: the versioned category tree."""

from __future__ import annotations

from typing import Any

import psycopg

from pluriel.aggregator.taxonomy import taxonomy_rows
from pluriel.store import write

__all__ = ["ensure_categories"]

Conn = psycopg.Connection[dict[str, Any]]


def ensure_categories(conn: Conn) -> None:
    """Load the versioned category tree into ``category`` when it is missing or outdated."""
    rows = taxonomy_rows()
    have = conn.execute("select count(*) as n from category").fetchone()
    if have is not None and have["n"] == len(rows):
        return
    write.upsert_categories(conn, rows)
