"""Keyset pages: every row exactly once, in order, even while rows change underneath."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest

from tests import factories as f
from tests.graphql.conftest import Run

BASE = datetime(2026, 10, 2, 18, tzinfo=UTC)
WINDOW = {"from": "2026-10-01T00:00:00Z", "to": "2026-12-31T00:00:00Z"}

EVENTS = """
query($filter: EventFilter, $first: Int, $after: String) {
  events(filter: $filter, first: $first, after: $after) {
    totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor }
  }
}
"""
OCCURRENCES = """
query($filter: EventFilter, $first: Int, $after: String) {
  occurrences(filter: $filter, first: $first, after: $after) {
    totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor }
  }
}
"""


def walk(gql: Run, document: str, field: str, *, first: int, **flt: Any) -> list[list[int]]:
    pages: list[list[int]] = []
    after = None
    while True:
        result = gql(document, filter={**WINDOW, **flt}, first=first, after=after)
        assert result.errors == []
        assert result.data is not None
        connection = result.data[field]
        ids = [int(edge["node"]["id"]) for edge in connection["edges"]]
        pages.append(ids)
        info = connection["pageInfo"]
        if ids:
            assert info["endCursor"] == connection["edges"][-1]["cursor"]
        if not info["hasNextPage"]:
            return pages
        after = info["endCursor"]


@pytest.fixture
def many(conn: psycopg.Connection[Any]) -> tuple[list[int], list[int]]:
    """23 events; starts collide in threes so ties are broken by id; some recur."""
    institution = f.institution(conn)
    events: list[tuple[datetime, int]] = []
    occurrences: list[tuple[datetime, int]] = []
    for n in range(23):
        first = BASE + timedelta(days=n // 3)
        dates = [first] if n % 4 else [first, first + timedelta(days=5), first + timedelta(days=9)]
        event = f.event(
            conn, institution_id=institution, texts={"fr": (f"Soirée {n}", None)}, occurrences=dates
        )
        events.append((first, event))
    rows = conn.execute("select id, starts_at from occurrence").fetchall()
    occurrences = [(row["starts_at"], row["id"]) for row in rows]
    conn.commit()
    return [e for _, e in sorted(events)], [o for _, o in sorted(occurrences)]


def test_events_come_once_each_in_order_across_pages(
    gql: Run, many: tuple[list[int], list[int]]
) -> None:
    expected, _ = many
    pages = walk(gql, EVENTS, "events", first=5)
    assert [len(page) for page in pages] == [5, 5, 5, 5, 3]
    assert [e for page in pages for e in page] == expected


def test_occurrences_come_once_each_in_order_across_pages(
    gql: Run, many: tuple[list[int], list[int]]
) -> None:
    _, expected = many
    assert len(expected) == 35
    pages = walk(gql, OCCURRENCES, "occurrences", first=10)
    assert [len(page) for page in pages] == [10, 10, 10, 5]
    assert [o for page in pages for o in page] == expected


def test_a_page_exactly_full_says_there_is_no_next_page(
    gql: Run, many: tuple[list[int], list[int]]
) -> None:
    expected, _ = many
    pages = walk(gql, EVENTS, "events", first=23)
    assert pages == [expected]
    empty = gql(EVENTS, filter=WINDOW, first=0)
    assert empty.data == {
        "events": {
            "totalCount": 23,
            "edges": [],
            "pageInfo": {"hasNextPage": True, "endCursor": None},
        }
    }


def test_rows_changing_between_pages_neither_repeat_nor_shift_the_rest(
    gql: Run, conn: psycopg.Connection[Any], many: tuple[list[int], list[int]]
) -> None:
    expected, _ = many
    first = gql(EVENTS, filter=WINDOW, first=5)
    assert first.data is not None
    seen = [int(edge["node"]["id"]) for edge in first.data["events"]["edges"]]
    # Underneath: one unseen event is deleted, one is added before the cursor, one after.
    conn.execute("update event set deleted_at = now() where id = %s", (expected[7],))
    institution = f.institution(conn, slug="other")
    f.event(conn, institution_id=institution, texts={"fr": ("Avant", None)}, occurrences=[BASE])
    later = f.event(
        conn,
        institution_id=institution,
        texts={"fr": ("Après", None)},
        occurrences=[BASE + timedelta(days=30)],
    )
    conn.commit()
    after = first.data["events"]["pageInfo"]["endCursor"]
    rest: list[int] = []
    while after is not None:
        page = gql(EVENTS, filter=WINDOW, first=5, after=after)
        assert page.data is not None
        rest += [int(edge["node"]["id"]) for edge in page.data["events"]["edges"]]
        info = page.data["events"]["pageInfo"]
        after = info["endCursor"] if info["hasNextPage"] else None
    assert seen + rest == [*expected[:7], *expected[8:], later]


def test_text_search_pages_by_relevance_then_date(gql: Run, conn: psycopg.Connection[Any]) -> None:
    institution = f.institution(conn)
    in_title = [
        f.event(
            conn,
            institution_id=institution,
            texts={"fr": (f"Jazz au parc {n}", "<p>Plein air.</p>")},
            occurrences=[BASE + timedelta(days=n)],
        )
        for n in range(3)
    ]
    in_description = [
        f.event(
            conn,
            institution_id=institution,
            texts={"de": (f"Abend {n}", "<p>Mit Jazz.</p>")},
            occurrences=[BASE + timedelta(days=n)],
        )
        for n in range(3)
    ]
    f.event(conn, institution_id=institution, texts={"fr": ("Rock", None)}, occurrences=[BASE])
    conn.commit()
    pages = walk(gql, EVENTS, "events", first=2, text="jazz")
    assert pages == [in_title[:2], [in_title[2], in_description[0]], in_description[1:]]
