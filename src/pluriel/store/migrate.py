"""Numbered SQL migrations, applied in order, each recorded once."""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

import psycopg

__all__ = ["MIGRATIONS", "applied_versions", "migrate"]

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


def _load() -> list[tuple[int, str, str]]:
    found: list[tuple[int, str, str]] = []
    for entry in resources.files("pluriel.store").joinpath("migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text("utf-8")))
    return sorted(found)


MIGRATIONS: list[tuple[int, str, str]] = _load()


def applied_versions(conn: psycopg.Connection[Any]) -> list[int]:
    conn.execute(
        "create table if not exists schema_migration ("
        " version integer primary key, name text not null,"
        " applied_at timestamptz not null default now())"
    )
    rows = conn.execute("select version from schema_migration order by version").fetchall()
    return [row["version"] if isinstance(row, dict) else row[0] for row in rows]


def migrate(conn: psycopg.Connection[Any]) -> list[int]:
    """Apply what is missing; return the versions applied now (empty when up to date).

    An advisory lock serialises concurrent migrators (two processes starting
    at once); each file runs in its own transaction with its record.
    """
    done: list[int] = []
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(7231001)")
        have = set(applied_versions(conn))
        for version, name, sql in MIGRATIONS:
            if version in have:
                continue
            with conn.transaction():
                conn.execute(sql.encode())
                conn.execute(
                    "insert into schema_migration (version, name) values (%s, %s)",
                    (version, name),
                )
            done.append(version)
    return done
