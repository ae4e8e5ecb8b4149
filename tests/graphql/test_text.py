"""Localised text: the asked language, then the region's order, then the source's."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from tests import factories as f
from tests.graphql.conftest import Run

WHEN = datetime(2026, 10, 3, 18, tzinfo=UTC)

TITLES = """
query($id: ID!) {
  event(id: $id) {
    lb: title(lang: "lb") de: title(lang: "de") fr: title(lang: "fr")
    nl: title(lang: "nl") en: title(lang: "en") any: title
  }
}
"""


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (
            {"de": "Konzert", "fr": "Concert"},
            {
                "lb": "Konzert",
                "de": "Konzert",
                "fr": "Concert",
                "nl": "Concert",
                "en": "Concert",
                "any": "Konzert",
            },
        ),
        (
            {"fr": "Concert", "en": "Concert (en)"},
            {
                "lb": "Concert",
                "de": "Concert",
                "fr": "Concert",
                "nl": "Concert",
                "en": "Concert (en)",
                "any": "Concert",
            },
        ),
        (
            {"lb": "Concert (lb)", "en": "Concert (en)"},
            {
                "lb": "Concert (lb)",
                "de": "Concert (lb)",
                "fr": "Concert (en)",
                "nl": "Concert (lb)",
                "en": "Concert (en)",
                "any": "Concert (lb)",
            },
        ),
        (
            {"en": "Concert (en)", "de": "Konzert", "lb": "Concert (lb)"},
            {
                "lb": "Concert (lb)",
                "de": "Konzert",
                "fr": "Concert (en)",
                "nl": "Konzert",
                "en": "Concert (en)",
                "any": "Concert (en)",
            },
        ),
        (
            {"nl": "Concert (nl)"},
            {
                "lb": "Concert (nl)",
                "de": "Concert (nl)",
                "fr": "Concert (nl)",
                "nl": "Concert (nl)",
                "en": "Concert (nl)",
                "any": "Concert (nl)",
            },
        ),
    ],
)
def test_title_falls_back_in_the_region_order(
    gql: Run, conn: psycopg.Connection[Any], texts: dict[str, str], expected: dict[str, str]
) -> None:
    institution = f.institution(conn)
    event = f.event(
        conn,
        institution_id=institution,
        texts={lang: (title, None) for lang, title in texts.items()},
        occurrences=[WHEN],
    )
    conn.commit()
    result = gql(TITLES, id=str(event))
    assert (result.errors, result.data) == ([], {"event": expected})


def test_the_listing_lang_is_the_default_and_fields_override_it(
    gql: Run, conn: psycopg.Connection[Any]
) -> None:
    institution = f.institution(conn)
    f.event(
        conn,
        institution_id=institution,
        texts={
            "fr": ("Concert", "<p>Un concert.</p>"),
            "de": ("Konzert", None),
        },
        occurrences=[WHEN],
    )
    conn.commit()
    document = """
    {
      events(lang: "de", filter: {from: "2026-10-01T00:00:00Z"}) {
        edges { node {
          title description frTitle: title(lang: "fr") languages
          translations { lang title description }
        } }
      }
      occurrences(lang: "lb", filter: {from: "2026-10-01T00:00:00Z"}) {
        edges { node { event { title } } }
      }
    }
    """
    result = gql(document)
    assert result.errors == []
    assert result.data == {
        "events": {
            "edges": [
                {
                    "node": {
                        "title": "Konzert",
                        # No German description: German falls back to lb, then fr.
                        "description": "<p>Un concert.</p>",
                        "frTitle": "Concert",
                        "languages": ["fr", "de"],
                        "translations": [
                            {"lang": "fr", "title": "Concert", "description": "<p>Un concert.</p>"},
                            {"lang": "de", "title": "Konzert", "description": None},
                        ],
                    }
                }
            ]
        },
        "occurrences": {"edges": [{"node": {"event": {"title": "Konzert"}}}]},
    }
