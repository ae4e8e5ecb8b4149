"""The HTTP surface: /graphql (POST and GET), /healthz, CORS, the body cap, GraphiQL."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from pluriel.settings import Settings
from pluriel.web import create_app
from pluriel.web.app import MAX_BODY_BYTES
from tests import factories as f
from tests.web.conftest import AppClient

QUERY = """
query($lang: String) {
  occurrences(lang: $lang, filter: {from: "2026-10-01T00:00:00Z", countries: ["LU"]}) {
    edges { node { start status event { title } } }
  }
}
"""


@pytest.fixture
def client(settings: Settings, db_url: str) -> Iterator[AppClient]:
    with AppClient(create_app(settings, database_url=db_url)) as client:
        yield client


@pytest.fixture
def concert(conn: psycopg.Connection[Any]) -> int:
    institution = f.institution(conn, country="LU")
    event = f.event(
        conn,
        institution_id=institution,
        texts={"fr": ("Concert", None), "de": ("Konzert", None)},
        occurrences=[datetime(2026, 10, 3, 18, tzinfo=UTC)],
    )
    conn.commit()
    return event


EXPECTED_DE = {
    "data": {
        "occurrences": {
            "edges": [
                {
                    "node": {
                        "start": "2026-10-03T18:00:00+00:00",
                        "status": "SCHEDULED",
                        "event": {"title": "Konzert"},
                    }
                }
            ]
        }
    }
}


def test_post_graphql(client: AppClient, concert: int) -> None:
    response = client.post("/graphql", json={"query": QUERY, "variables": {"lang": "de"}})
    assert response.status_code == 200
    assert response.json() == EXPECTED_DE


def test_get_graphql(client: AppClient, concert: int) -> None:
    response = client.get("/graphql", params={"query": QUERY, "variables": '{"lang": "de"}'})
    assert response.status_code == 200
    assert response.json() == EXPECTED_DE


def test_a_bad_argument_is_a_graphql_error_not_a_500(client: AppClient) -> None:
    response = client.post(
        "/graphql", json={"query": '{ events(after: "garbage") { totalCount } }'}
    )
    assert response.status_code == 200
    assert [e["message"] for e in response.json()["errors"]] == [
        "`after` is not a valid cursor: 'garbage'"
    ]


def test_healthz(client: AppClient) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": "ok"})
    assert response.headers["cache-control"] == "no-store"


def test_healthz_says_503_when_the_database_is_unreachable(settings: Settings, db_url: str) -> None:
    params = conninfo_to_dict(db_url)
    params["dbname"] = "no_such_database"
    app = create_app(settings, database_url=make_conninfo(**params))
    with AppClient(app) as client:
        response = client.get("/healthz")
    assert (response.status_code, response.json()) == (
        503,
        {"status": "unavailable", "database": "unreachable"},
    )


def test_cors_is_open_to_any_origin_without_credentials(client: AppClient) -> None:
    preflight = client.options(
        "/graphql",
        headers={
            "Origin": "https://tourism.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in preflight.headers
    response = client.post(
        "/graphql",
        json={"query": "{ events { totalCount } }"},
        headers={"Origin": "https://tourism.example"},
    )
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.json() == {"data": {"events": {"totalCount": 0}}}


def test_a_body_over_the_cap_is_refused(client: AppClient) -> None:
    padding = " " * MAX_BODY_BYTES
    response = client.post(
        "/graphql",
        content=f'{{"query": "{{ events {{ totalCount }} }}{padding}"}}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json() == {
        "errors": [{"message": f"request body over the limit of {MAX_BODY_BYTES} bytes"}]
    }


def test_a_chunked_body_over_the_cap_is_refused(client: AppClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ events { totalCount } }'
        for _ in range(11):
            yield b" " * 100_000
        yield b'"}'

    response = client.post(
        "/graphql", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_graphiql_and_introspection_only_when_enabled(settings: Settings, db_url: str) -> None:
    html = {"Accept": "text/html"}
    introspection = {"query": "{ __schema { queryType { name } } }"}
    with AppClient(create_app(settings, database_url=db_url)) as client:
        assert client.get("/graphql", headers=html).status_code == 404
        response = client.post("/graphql", json=introspection)
        assert response.json()["data"] is None
    enabled = dataclasses.replace(settings, graphiql=True)
    with AppClient(create_app(enabled, database_url=db_url)) as client:
        page = client.get("/graphql", headers=html)
        assert page.status_code == 200
        assert "graphiql" in page.text.lower()
        response = client.post("/graphql", json=introspection)
        assert response.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
