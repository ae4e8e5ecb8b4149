"""A page costs the same number of SQL statements whatever its size: one per kind of object."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from tests import factories as f
from tests.graphql.conftest import Run

DOCUMENT = """
query($first: Int) {
  events(first: $first, lang: "fr") {
    edges { node {
      title description translations { lang }
      institution { name country }
      place { name locality }
      categories { id label }
      nextOccurrence { start event { id } }
      occurrences { start }
      price { min text } sources { kind fields } dateSummary
    } }
  }
}
"""


def test_statements_do_not_grow_with_the_page(gql: Run, conn: psycopg.Connection[Any]) -> None:
    institutions = [f.institution(conn, slug=f"i{n}", country="LU") for n in range(7)]
    places = [f.place(conn, name={"fr": f"Salle {n}"}, locality="Esch") for n in range(11)]
    f.category(conn, "music")
    f.category(conn, "theatre")
    start = datetime(2026, 10, 2, 18, tzinfo=UTC)
    for n in range(100):
        f.event(
            conn,
            institution_id=institutions[n % 7],
            place_id=places[n % 11],
            texts={"fr": (f"Soirée {n}", "<p>…</p>"), "de": (f"Abend {n}", None)},
            occurrences=[start + timedelta(hours=n), start + timedelta(days=3, hours=n)],
            categories=["music", "theatre"] if n % 2 else ["music"],
        )
    conn.commit()

    small = gql(DOCUMENT, first=5)
    large = gql(DOCUMENT, first=100)

    assert (small.errors, large.errors) == ([], [])
    assert small.data is not None
    assert large.data is not None
    assert len(small.data["events"]["edges"]) == 5
    assert len(large.data["events"]["edges"]) == 100
    # The page, then one batch each: texts, institutions, places, categories,
    # next occurrences, occurrences, sources. (Occurrence.event and dateSummary's
    # dates are served from the loaders' caches; price comes with the event row.)
    assert len(small.statements) == len(large.statements) == 8, large.statements
