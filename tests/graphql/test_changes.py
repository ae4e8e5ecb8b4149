"""The change log for sync: deletions included, and nothing skipped when a commit comes late."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg

from pluriel.store import connect
from tests import factories as f
from tests.graphql.conftest import Run

CHANGES = """
query($after: String) {
  changes(after: $after, first: 10) {
    edges { node { kind id state event { title } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def log(conn: psycopg.Connection[Any], event_id: int, state: str) -> None:
    conn.execute(
        "insert into change (kind, entity_id, state) values ('event', %s, %s)", (event_id, state)
    )


def nodes(result: Any) -> list[tuple[str, str, str | None]]:
    assert result.errors == []
    return [
        (edge["node"]["id"], edge["node"]["state"], (edge["node"]["event"] or {}).get("title"))
        for edge in result.data["changes"]["edges"]
    ]


def test_a_late_commit_holds_the_log_back_instead_of_being_skipped(
    gql: Run, conn: psycopg.Connection[Any], db_url: str
) -> None:
    institution = f.institution(conn)
    when = [datetime(2026, 10, 3, 18, tzinfo=UTC)]
    kept = f.event(
        conn, institution_id=institution, texts={"fr": ("Gardé", None)}, occurrences=when
    )
    late_one = f.event(
        conn, institution_id=institution, texts={"fr": ("Tard", None)}, occurrences=when
    )
    gone = f.event(
        conn,
        institution_id=institution,
        texts={"fr": ("Parti", None)},
        occurrences=when,
        deleted_at=datetime(2026, 9, 30, tzinfo=UTC),
    )
    conn.commit()
    log(conn, kept, "updated")
    conn.commit()
    with connect(db_url) as late:
        log(late, late_one, "updated")  # its transaction id is taken now, committed later
        log(conn, gone, "deleted")
        conn.commit()

        first = gql(CHANGES)
        assert nodes(first) == [(str(kept), "UPDATED", "Gardé")]
        cursor = first.data["changes"]["pageInfo"]["endCursor"] if first.data else None
        waiting = gql(CHANGES, after=cursor)
        assert nodes(waiting) == []
        assert waiting.data is not None
        assert waiting.data["changes"]["pageInfo"] == {"hasNextPage": False, "endCursor": cursor}

        late.commit()

    rest = gql(CHANGES, after=cursor)
    assert nodes(rest) == [(str(late_one), "UPDATED", "Tard"), (str(gone), "DELETED", None)]
