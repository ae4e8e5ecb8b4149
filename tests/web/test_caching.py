"""Cache-Control, ETag and 304 on GET /graphql."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from pluriel.settings import Settings
from pluriel.web import create_app
from pluriel.web.caching import etag_of
from tests import factories as f
from tests.web.conftest import AppClient

QUERY = '{ events(filter: {from: "2026-10-01T00:00:00Z"}) { edges { node { title } } } }'
BODY = b'{"data":{"events":{"edges":[{"node":{"title":"Concert"}}]}}}'


@pytest.fixture
def client(settings: Settings, db_url: str, conn: psycopg.Connection[Any]) -> Iterator[AppClient]:
    institution = f.institution(conn)
    f.event(
        conn,
        institution_id=institution,
        texts={"fr": ("Concert", None)},
        occurrences=[datetime(2026, 10, 3, 18, tzinfo=UTC)],
    )
    conn.commit()
    with AppClient(create_app(settings, database_url=db_url)) as client:
        yield client


def test_an_anonymous_get_is_public_for_a_minute_with_a_strong_etag(client: AppClient) -> None:
    response = client.get("/graphql", params={"query": QUERY})
    assert response.status_code == 200
    assert response.content == BODY
    assert response.headers["cache-control"] == "public, max-age=60"
    assert response.headers["etag"] == etag_of(BODY)
    assert not response.headers["etag"].startswith("W/")


def test_a_matching_if_none_match_gets_an_empty_304(client: AppClient) -> None:
    etag = etag_of(BODY)
    response = client.get("/graphql", params={"query": QUERY}, headers={"If-None-Match": etag})
    assert (response.status_code, response.content) == (304, b"")
    assert response.headers["etag"] == etag
    assert response.headers["cache-control"] == "public, max-age=60"
    stale = client.get("/graphql", params={"query": QUERY}, headers={"If-None-Match": '"old"'})
    assert (stale.status_code, stale.content) == (200, BODY)


def test_post_and_errors_are_not_cached(client: AppClient) -> None:
    post = client.post("/graphql", json={"query": QUERY})
    assert post.headers["cache-control"] == "no-store"
    assert "etag" not in post.headers
    error = client.get("/graphql", params={"query": "{ events(first: 1000) { totalCount } }"})
    assert error.headers["cache-control"] == "private, no-store"
    assert "etag" not in error.headers


def test_an_authenticated_get_is_private(client: AppClient, conn: psycopg.Connection[Any]) -> None:
    secret = "portal-secret-portal-secret"
    conn.execute(
        "insert into api_key (prefix, secret_hash, portal) values ('00aa11bb', %s, 'p')",
        (hashlib.sha256(secret.encode()).hexdigest(),),
    )
    conn.commit()
    response = client.get(
        "/graphql",
        params={"query": QUERY},
        headers={"Authorization": f"Bearer plr_00aa11bb_{secret}", "If-None-Match": etag_of(BODY)},
    )
    assert (response.status_code, response.content) == (200, BODY)
    assert response.headers["cache-control"] == "private, no-store"
    assert "etag" not in response.headers
