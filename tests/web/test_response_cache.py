"""Anonymous GET answers are reused in-process for a few seconds; keyed and POST ones never."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg

from pluriel.settings import Settings
from pluriel.web import create_app
from tests import factories as f
from tests.web.conftest import AppClient

QUERY = '{ events(filter: {from: "2026-10-01T00:00:00Z"}) { edges { node { title } } } }'


def titles(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [e["node"]["title"] for e in response.json()["data"]["events"]["edges"]]


def test_get_answers_are_reused_until_they_expire(
    settings: Settings, db_url: str, conn: psycopg.Connection[Any]
) -> None:
    institution = f.institution(conn)

    def add(title: str, day: int) -> None:
        f.event(
            conn,
            institution_id=institution,
            texts={"fr": (title, None)},
            occurrences=[datetime(2026, 10, day, 18, tzinfo=UTC)],
        )
        conn.commit()

    add("Concert", 3)
    clock = [1000.0]
    app = create_app(settings, database_url=db_url, clock=lambda: clock[0], response_ttl=15)
    with AppClient(app) as client:
        assert titles(client.get("/graphql", params={"query": QUERY})) == ["Concert"]
        add("Récital", 4)
        clock[0] += 14
        # Within the TTL: the stored answer, without running the query again.
        assert titles(client.get("/graphql", params={"query": QUERY})) == ["Concert"]
        # POST always runs.
        assert titles(client.post("/graphql", json={"query": QUERY})) == ["Concert", "Récital"]
        clock[0] += 2
        assert titles(client.get("/graphql", params={"query": QUERY})) == ["Concert", "Récital"]
