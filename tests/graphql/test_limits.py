"""Bad requests get a clear error; unexpected failures are masked outside debug."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from typing import Any

import pytest
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from pluriel.graphql import Context, build_schema
from pluriel.graphql.schema import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from tests.graphql.conftest import Run

EVENTS = (
    "query($first: Int, $after: String) { events(first: $first, after: $after) { totalCount } }"
)
OCCURRENCES = (
    "query($first: Int, $after: String)"
    " { occurrences(first: $first, after: $after) { totalCount } }"
)


def b64(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize("first", [101, 1000, -1])
def test_first_out_of_range_is_refused(gql: Run, first: int) -> None:
    for document in (EVENTS, OCCURRENCES):
        result = gql(document, first=first)
        assert (result.data, result.errors) == (
            None,
            [f"`first` must be between 0 and 100, not {first}"],
        )


def test_first_of_100_is_accepted(gql: Run) -> None:
    result = gql(EVENTS, first=100)
    assert (result.data, result.errors) == ({"events": {"totalCount": 0}}, [])


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        "e30",  # {}
        b64([]),
        b64(["e", "yesterday", 1]),
        b64(["e", "2026-10-01T10:00:00", 1]),  # no offset
        b64(["e", "2026-10-01T10:00:00+00:00", "1"]),
        b64(["x", "2026-10-01T10:00:00+00:00", 1]),
    ],
)
def test_a_malformed_cursor_is_refused(gql: Run, cursor: str) -> None:
    result = gql(EVENTS, after=cursor)
    assert (result.data, result.errors) == (
        None,
        [f"`after` is not a valid cursor: {cursor[:40]!r}"],
    )


def test_a_cursor_from_another_listing_is_refused(gql: Run) -> None:
    occurrence_cursor = b64(["o", "2026-10-01T10:00:00+00:00", 1])
    result = gql(EVENTS, after=occurrence_cursor)
    assert result.errors == [
        "`after` comes from a different listing (events are ordered by relevance only when"
        " `text` is given); start again without `after`"
    ]
    result = gql(OCCURRENCES, after=b64(["e", "2026-10-01T10:00:00+00:00", 1]))
    assert result.errors == ["`after` is an events cursor, not an occurrences cursor"]


def test_an_event_id_must_be_a_number(gql: Run) -> None:
    result = gql('{ event(id: "Event:1") { id } }')
    assert (result.data, result.errors) == (
        {"event": None},
        ["event id 'Event:1' is not a valid id"],
    )


def test_too_deep_a_query_is_refused_before_running(gql: Run) -> None:
    nested = "id"
    for _ in range(MAX_DEPTH):
        nested = f"event {{ occurrences {{ {nested} }} }}"
    document = f"{{ occurrences {{ edges {{ node {{ {nested} }} }} }} }}"
    result = gql(document)
    assert result.data is None
    assert result.statements == []
    assert result.errors == [f"'anonymous' exceeds maximum operation depth of {MAX_DEPTH}"]


def test_too_many_aliases_are_refused_before_running(gql: Run) -> None:
    fields = " ".join(f"a{n}: events {{ totalCount }}" for n in range(MAX_ALIASES + 1))
    result = gql(f"{{ {fields} }}")
    assert result.data is None
    assert result.statements == []
    assert result.errors == [f"{MAX_ALIASES + 1} aliases found. Allowed: {MAX_ALIASES}"]


async def _with_closed_pool(debug: bool, url: str) -> list[str]:
    pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
        url, kwargs={"row_factory": dict_row}, open=False
    )
    result = await build_schema(debug=debug).execute(
        "{ events { totalCount } }", context_value=Context.create(pool)
    )
    return [error.message for error in result.errors or ()]


def test_unexpected_errors_are_masked_unless_debugging(db_url: str) -> None:
    assert asyncio.run(_with_closed_pool(False, db_url)) == ["Unexpected error."]
    [message] = asyncio.run(_with_closed_pool(True, db_url))
    assert message.endswith("is not open yet")


def test_huge_documents_are_refused_fast_without_running_anything(gql: Run) -> None:
    deep = "id"
    for _ in range(30):  # 60 levels
        deep = f"event {{ occurrences {{ {deep} }} }}"
    aliases = " ".join(f"a{n}: events {{ totalCount }}" for n in range(20_000))
    for document, error in (
        (
            f"{{ occurrences {{ edges {{ node {{ {deep} }} }} }} }}",
            f"'anonymous' exceeds maximum operation depth of {MAX_DEPTH}",
        ),
        (
            f"{{ {aliases} }}",
            f"Syntax Error: Document contains more than {MAX_TOKENS} tokens. Parsing aborted.",
        ),
    ):
        started = time.monotonic()
        result = gql(document)
        assert time.monotonic() - started < 1.5
        assert (result.data, result.errors, result.statements) == (None, [error], [])


def test_a_bad_variable_value_is_shown_not_masked(gql: Run) -> None:
    result = gql("query($x: Boolean!) { categories @include(if: $x) { id } }")
    assert (result.data, result.errors) == (
        None,
        [
            "Variable '$x' has invalid value: Expected a value of non-null type 'Boolean!' to be"
            " provided."
        ],
    )
