from __future__ import annotations

import psycopg

from pluriel.store import applied_versions, connect, migrate
from pluriel.store.migrate import MIGRATIONS

from ..conftest import _with_db

TABLES = {
    "institution",
    "source",
    "source_run",
    "place",
    "organiser",
    "event",
    "event_text",
    "occurrence",
    "category",
    "event_category",
    "source_event",
    "change",
    "account",
    "api_key",
    "submission",
    "audit",
    "schema_migration",
}


def test_migrates_an_empty_database_from_zero_and_is_idempotent(server_url: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute("drop database if exists migrate_from_zero")
        admin.execute("create database migrate_from_zero")
    try:
        with connect(_with_db(server_url, "migrate_from_zero")) as conn:
            assert migrate(conn) == [v for v, _, _ in MIGRATIONS]
            assert migrate(conn) == []
            assert applied_versions(conn) == [v for v, _, _ in MIGRATIONS]
            rows = conn.execute(
                "select table_name from information_schema.tables where table_schema = 'public'"
            ).fetchall()
            assert {r["table_name"] for r in rows} == TABLES
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute("drop database if exists migrate_from_zero with (force)")
