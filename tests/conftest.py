"""Shared fixtures: a real PostgreSQL, a fresh migrated database per test, a frozen clock.

The server is ``DATABASE_URL`` when set (CI may point at a service), else an
embedded pgserver in a temporary directory. Every test that asks for ``db_url``
gets its own database cloned from a migrated template, so tests never see
each other's rows and run in any order.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from pluriel.settings import Settings
from pluriel.store import connect, migrate
from pluriel.store.db import EmbeddedServer

TEMPLATE = "pluriel_test_template"
REQUIRE_RUNTIMES = os.environ.get("PLURIEL_REQUIRE_RUNTIMES") == "1"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def require_runtime(available: bool, reason: str) -> None:
    """Skip when a runtime (Chromium, Node) is missing, unless CI demands it."""
    if available:
        return
    if REQUIRE_RUNTIMES:
        pytest.fail(f"PLURIEL_REQUIRE_RUNTIMES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    url = os.environ.get("DATABASE_URL")
    if url:
        yield url
        return
    home = Path(tempfile.mkdtemp(prefix="pluriel-test-"))
    home.chmod(0o755)  # as root, pgserver runs PostgreSQL as its own user
    try:
        yield EmbeddedServer(home).url()
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _with_db(url: str, dbname: str) -> str:
    params = conninfo_to_dict(url)
    params["dbname"] = dbname
    return make_conninfo(**params)


@pytest.fixture(scope="session")
def template_url(server_url: str) -> str:
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f"drop database if exists {TEMPLATE}")
        admin.execute(f"create database {TEMPLATE}")
    url = _with_db(server_url, TEMPLATE)
    with connect(url) as conn:
        migrate(conn)
        conn.commit()
    return url


@pytest.fixture
def db_url(server_url: str, template_url: str) -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f"create database {name} template {TEMPLATE}")
    try:
        yield _with_db(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f"drop database if exists {name} with (force)")


@pytest.fixture
def conn(db_url: str) -> Iterator[psycopg.Connection[dict[str, Any]]]:
    with connect(db_url) as connection:
        yield connection


@pytest.fixture
def now() -> datetime:
    """The frozen "now" that relative dates and horizons are computed from."""
    return datetime(2026, 10, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(home=tmp_path, database_url=db_url, allow_private_networks=True)
