"""Generated and abusive GraphQL against the real app: no 5xx, abuse refused cheaply."""

from __future__ import annotations

from pathlib import Path

import pytest
from reliability.client import InProcess
from reliability.hostile_graphql import ATTACKS, MASKED, run_hostile_graphql
from reliability.serve import build_app


def test_generated_queries_and_abuse_shapes_get_no_server_error(db_url: str) -> None:
    figures = run_hostile_graphql(queries=300, database_url=db_url)
    assert figures["failures"] == []
    assert figures["server_errors_5xx"] == 0
    assert figures["queries_sent"] == 300
    assert sorted(figures["attacks"]) == sorted(ATTACKS)


def test_a_json_body_that_is_not_an_object_is_a_400(db_url: str) -> None:
    """A scalar JSON body used to reach Strawberry, which crashed on ``data.get``."""
    figures = run_hostile_graphql(queries=1, database_url=db_url)
    assert figures["attacks"]["JSON scalar"]["status"] == 400


@pytest.mark.parametrize("field", ["categories", "accessibility", "localities", "languages"])
def test_a_nul_character_in_a_filter_is_the_clients_error_not_an_internal_one(
    db_url: str, tmp_path: Path, field: str
) -> None:
    """Found by the 10,000-query run: PostgreSQL refuses NUL in text, and it surfaced masked."""
    query = f'{{ events(filter: {{{field}: ["a\\u0000b"]}}) {{ totalCount }} }}'
    with InProcess(build_app(db_url, tmp_path)) as client:
        body = client.post("/graphql", json={"query": query}).json()
    assert body["data"] is None
    assert [e["message"] for e in body["errors"] if e["message"] == MASKED] == []


def test_a_nul_character_in_the_text_search_is_the_clients_error(
    db_url: str, tmp_path: Path
) -> None:
    query = '{ events(filter: {text: "a\\u0000b"}) { totalCount } }'
    with InProcess(build_app(db_url, tmp_path)) as client:
        body = client.post("/graphql", json={"query": query}).json()
    assert [e["message"] for e in body.get("errors", []) if e["message"] == MASKED] == []
