"""DATABASE_READ_URL: queries and feeds read from the replica, writes go to the primary."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pluriel.settings import Settings
from pluriel.store import accounts, connect, registry
from pluriel.web.app import create_app
from tests import factories as f
from tests.conftest import TEMPLATE, _with_db
from tests.web.conftest import AppClient

NOW = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)
TITLES = '{ events(filter: {from: "2026-09-01T00:00:00Z"}) { edges { node { title } } } }'
SUBMIT = """mutation($input: EventInput!) { submitEvent(input: $input) {
  status errors { code } } }"""
INPUT = {
    "externalId": "r-1",
    "title": [{"lang": "fr", "text": "Écrit au primaire"}],
    "occurrences": [{"start": "2026-10-15T20:00:00"}],
    "timezone": "Europe/Luxembourg",
    "place": {"name": "Kinneksbond", "locality": "Mamer", "country": "LU"},
}


@pytest.fixture
def replica_url(server_url: str, template_url: str) -> Iterator[str]:
    name = f"r_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f"create database {name} template {TEMPLATE}")
    try:
        yield _with_db(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f"drop database if exists {name} with (force)")


def _titles(conn: psycopg.Connection[Any]) -> list[str]:
    return [r["title"] for r in conn.execute("select title from event_text order by title")]


def test_reads_use_the_replica_and_writes_the_primary(
    db_url: str, replica_url: str, tmp_path: Path
) -> None:
    token = None
    # The same institution and key on both, as streaming replication would have it.
    for url in (db_url, replica_url):
        with connect(url) as conn:
            inst = registry.add_institution(
                conn, "kinneksbond", name="Kinneksbond", country="LU", trust="trusted"
            )
            if token is None:
                created = accounts.create_token(conn, institution_id=inst.id)
                token = created.token
                key = conn.execute("select * from api_key").fetchone()
            else:
                assert key is not None
                conn.execute(
                    "insert into api_key (prefix, secret_hash, institution_id, scopes)"
                    " values (%s, %s, %s, %s)",
                    (key["prefix"], key["secret_hash"], inst.id, key["scopes"]),
                )
            conn.commit()
    with connect(replica_url) as conn:
        f.event(
            conn,
            institution_id=inst.id,
            texts={"fr": ("Lu sur le réplica", None)},
            occurrences=[datetime(2026, 10, 3, 18, tzinfo=UTC)],
        )
        conn.commit()

    app = create_app(
        Settings(home=tmp_path, database_url=db_url),
        database_url=db_url,
        read_url=replica_url,
        now=lambda: NOW,
    )
    with AppClient(app) as client:
        read = client.get("/graphql", params={"query": TITLES})
        assert [e["node"]["title"] for e in read.json()["data"]["events"]["edges"]] == [
            "Lu sur le réplica"
        ]
        wrote = client.post(
            "/graphql",
            json={"query": SUBMIT, "variables": {"input": INPUT}},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert wrote.json()["data"]["submitEvent"] == {"status": "approved", "errors": []}
    with connect(db_url) as primary, connect(replica_url) as replica:
        assert _titles(primary) == ["Écrit au primaire"]
        assert _titles(replica) == ["Lu sur le réplica"]
