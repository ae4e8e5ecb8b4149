"""API keys, budgets (429 and Retry-After), CORS for authenticated calls, trusted documents."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from pluriel.graphql.cost import query_cost
from pluriel.graphql.documents import document_id, trusted_documents
from pluriel.settings import Settings
from pluriel.web import create_app
from pluriel.web.widget import documents as widget_documents
from tests.web.conftest import AppClient

QUERY = "{ events(first: 10) { edges { node { title place { name } } } } }"
SECRET = "s3cret-s3cret-s3cret-s3cret"
TOKEN = f"plr_0a1b2c3d_{SECRET}"
REVOKED = f"plr_0a1b2c3e_{SECRET}"
UNAUTHORISED = {
    "errors": [
        {
            "message": "invalid or revoked API key: send `Authorization: Bearer plr_…` with a live"
            " token, or no Authorization header for anonymous reads",
            "extensions": {"code": "UNAUTHENTICATED"},
        }
    ]
}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def keys(conn: psycopg.Connection[Any]) -> None:
    digest = hashlib.sha256(SECRET.encode()).hexdigest()
    conn.execute(
        "insert into api_key (prefix, secret_hash, portal, scopes) values"
        " ('0a1b2c3d', %s, 'visitluxembourg', '{read}'),"
        " ('0a1b2c3e', %s, 'oldportal', '{read}')",
        (digest, digest),
    )
    conn.execute("update api_key set revoked_at = now() where prefix = '0a1b2c3e'")
    conn.commit()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(settings: Settings, db_url: str, keys: None, clock: Clock) -> Iterator[AppClient]:
    app = create_app(
        settings,
        database_url=db_url,
        cors_origins=["https://portal.example"],
        anonymous_points=60,
        portal_points=600,
        clock=clock,
    )
    with AppClient(app) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_cost_of_the_test_query() -> None:
    # node: 1 + title 1 + place (1 + name 1) = 4; edges 1 + 4 = 5; events 1 + 10 × 5.
    assert query_cost(QUERY) == 51
    # A variable page size counts as the largest page, whatever the variables say.
    assert query_cost("query($n: Int) { events(first: $n) { edges { node { id } } } }") == 301
    # In a connection only edges repeat; a list without `first` has its default size.
    assert query_cost("{ events { totalCount pageInfo { hasNextPage } } }") == 4
    assert query_cost("{ events { edges { node { id } } } }") == 61
    assert query_cost("{ changes { edges { node { id } } } }") == 301
    assert query_cost("not graphql") == 1


def test_anonymous_budget_runs_out_with_429_and_retry_after(
    client: AppClient, clock: Clock
) -> None:
    assert client.post("/graphql", json={"query": QUERY}).status_code == 200
    refused = client.post("/graphql", json={"query": QUERY})
    # 60 points a minute refill at 1 a second: 9 left, 42 more needed.
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "42"
    assert refused.json() == {
        "errors": [
            {
                "message": "budget of 60 points a minute spent (this query costs 51);"
                " retry in 42 s",
                "extensions": {"code": "RATE_LIMITED"},
            }
        ]
    }
    clock.now += 41
    assert client.post("/graphql", json={"query": QUERY}).headers["retry-after"] == "1"
    clock.now += 1
    assert client.post("/graphql", json={"query": QUERY}).status_code == 200


def test_a_portal_key_has_its_own_larger_budget(client: AppClient) -> None:
    for _ in range(11):
        assert (
            client.post("/graphql", json={"query": QUERY}, headers=bearer(TOKEN)).status_code == 200
        )
    refused = client.post("/graphql", json={"query": QUERY}, headers=bearer(TOKEN))
    assert (refused.status_code, refused.headers["retry-after"]) == (429, "2")
    # 600 - 11 × 51 = 39 left, 12 more needed at 10 a second. The anonymous budget is untouched.
    assert client.post("/graphql", json={"query": QUERY}).status_code == 200


def test_a_query_above_the_whole_budget_is_refused_outright(client: AppClient) -> None:
    response = client.post(
        "/graphql", json={"query": "{ events(first: 100) { edges { node { id } } } }"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "message": "this query costs 301 points, more than the 60 a minute this client"
                " may spend: ask for smaller pages (`first`) or fewer fields",
                "extensions": {"code": "QUERY_TOO_COSTLY"},
            }
        ]
    }


@pytest.mark.parametrize(
    "header",
    [
        f"Bearer {REVOKED}",
        "Bearer plr_0a1b2c3d_wrong-secret-wrong-secret",
        "Bearer plr_ffffffff_" + SECRET,
        "Bearer not-a-token",
        "Basic dXNlcjpwYXNz",
        "Bearer",
    ],
)
def test_an_invalid_or_revoked_key_is_a_401(client: AppClient, header: str) -> None:
    response = client.post("/graphql", json={"query": QUERY}, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert response.json() == UNAUTHORISED


def test_authenticated_calls_only_from_configured_origins(client: AppClient) -> None:
    def preflight(origin: str) -> Any:
        return client.options(
            "/graphql",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )

    granted = preflight("https://portal.example")
    assert granted.status_code == 200
    assert granted.headers["access-control-allow-origin"] == "https://portal.example"
    assert "authorization" in granted.headers["access-control-allow-headers"].lower()
    assert preflight("https://elsewhere.example").status_code == 403

    ok = client.post(
        "/graphql",
        json={"query": QUERY},
        headers={"Origin": "https://portal.example", **bearer(TOKEN)},
    )
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == "https://portal.example"
    assert ok.headers["vary"] == "Origin"
    refused = client.post(
        "/graphql",
        json={"query": QUERY},
        headers={"Origin": "https://elsewhere.example", **bearer(TOKEN)},
    )
    assert refused.status_code == 403
    assert refused.json() == {
        "errors": [
            {"message": "origin https://elsewhere.example may not send credentials to this API"}
        ]
    }
    anonymous = client.post(
        "/graphql", json={"query": QUERY}, headers={"Origin": "https://elsewhere.example"}
    )
    assert anonymous.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in anonymous.headers


DOCUMENTS = trusted_documents()
SYNC = next(d for d in DOCUMENTS.values() if d.name == "sync_changes")
EMPTY_SYNC = {
    "data": {"changes": {"pageInfo": {"hasNextPage": False, "endCursor": None}, "edges": []}}
}


def test_the_widget_documents_are_trusted_too(settings: Settings, db_url: str) -> None:
    text = widget_documents()["list"]
    app = create_app(settings, database_url=db_url, trusted_documents_only=True)
    with AppClient(app) as client:
        response = client.post(
            "/graphql",
            json={
                "documentId": document_id(text),
                "variables": {"first": 1, "withCategories": False},
            },
        )
    assert response.status_code == 200
    assert "errors" not in response.json()


def test_the_portal_documents_are_registered_by_hash() -> None:
    assert sorted(d.name for d in DOCUMENTS.values()) == [
        "event_detail",
        "search",
        "sync_changes",
        "today_in_city",
        "venue_programme",
        "weekend_near_me",
    ]
    for key, document in DOCUMENTS.items():
        assert key == "sha256:" + hashlib.sha256(document.text.encode()).hexdigest()


@pytest.fixture
def trusted_client(settings: Settings, db_url: str) -> Iterator[AppClient]:
    app = create_app(
        settings, database_url=db_url, trusted_documents_only=True, anonymous_points=100_000
    )
    with AppClient(app) as c:
        yield c


def test_trusted_only_runs_registered_documents(trusted_client: AppClient) -> None:
    by_id = trusted_client.post("/graphql", json={"documentId": SYNC.id})
    assert (by_id.status_code, by_id.json()) == (200, EMPTY_SYNC)
    extension = {"persistedQuery": {"version": 1, "sha256Hash": SYNC.id.removeprefix("sha256:")}}
    by_extension = trusted_client.get("/graphql", params={"extensions": json.dumps(extension)})
    assert (by_extension.status_code, by_extension.json()) == (200, EMPTY_SYNC)
    posted = trusted_client.post("/graphql", json={"extensions": extension})
    assert (posted.status_code, posted.json()) == (200, EMPTY_SYNC)
    same_text = trusted_client.post("/graphql", json={"query": SYNC.text})
    assert same_text.json() == EMPTY_SYNC

    other = trusted_client.post("/graphql", json={"query": "{ events { totalCount } }"})
    assert other.status_code == 400
    assert other.json() == {
        "errors": [
            {
                "message": "this server runs registered documents only: send"
                ' {"documentId": "sha256:<hex>"} naming one (see docs/API.md)',
                "extensions": {"code": "DOCUMENT_NOT_TRUSTED"},
            }
        ]
    }
    unknown = trusted_client.post("/graphql", json={"documentId": "sha256:00"})
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["message"] == "unknown document 'sha256:00': see docs/API.md"


def test_registered_documents_work_on_an_open_server_too(settings: Settings, db_url: str) -> None:
    with AppClient(create_app(settings, database_url=db_url)) as client:
        response = client.post("/graphql", json={"documentId": SYNC.id})
    assert response.json() == EMPTY_SYNC
    assert document_id(SYNC.text) == SYNC.id


def test_odd_content_types_do_not_escape_the_budget(client: AppClient) -> None:
    expensive = json.dumps({"query": "{ events(first: 100) { edges { node { id } } } }"})
    for content_type in ("application/json-seq", "APPLICATION/JSON; charset=utf-8"):
        response = client.post(
            "/graphql", content=expensive, headers={"Content-Type": content_type}
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"] == {"code": "QUERY_TOO_COSTLY"}
    plain = client.post("/graphql", content=expensive, headers={"Content-Type": "text/plain"})
    assert plain.status_code == 400
    assert "data" not in plain.text


def test_fragments_are_priced_once_even_when_spread_exponentially() -> None:
    fragments = "".join(
        f"fragment F{n} on Event {{ ...F{n + 1} ...F{n + 1} }}\n" for n in range(30)
    )
    text = (
        "{ events(first: 1) { edges { node { ...F0 } } } }\n"
        + fragments
        + "fragment F30 on Event { id }\n"
    )
    started = time.perf_counter()
    cost = query_cost(text)
    assert time.perf_counter() - started < 0.5
    # 2^30 ids: capped at a billion points, far beyond any budget, and priced in no time.
    assert cost == 10**9
    cyclic = "{ events { edges { node { ...A } } } }\nfragment A on Event { id ...A }"
    assert query_cost(cyclic) == 61


def test_a_huge_alias_query_is_refused_fast_over_http(client: AppClient) -> None:
    aliases = " ".join(f"a{n}: categories {{ id }}" for n in range(20_000))
    started = time.perf_counter()
    response = client.post("/graphql", json={"query": f"{{ {aliases} }}"})
    assert time.perf_counter() - started < 2
    assert response.status_code == 200
    assert response.json()["data"] is None
    assert [e["message"] for e in response.json()["errors"]] == [
        "Syntax Error: Document contains more than 4000 tokens. Parsing aborted."
    ]
