"""places, institutions and categories: the lists a portal builds its menus from."""

from __future__ import annotations

from typing import Any

import psycopg

from tests import factories as f
from tests.graphql.conftest import Run

PLACES = """
query($first: Int, $after: String, $near: GeoFilter, $text: String) {
  places(first: $first, after: $after, near: $near, text: $text, lang: "de") {
    totalCount edges { node { name locality } } pageInfo { hasNextPage endCursor }
  }
}
"""


def test_places_page_by_name_and_filter_by_text_and_circle(
    gql: Run, conn: psycopg.Connection[Any]
) -> None:
    f.place(conn, name={"fr": "Théâtre d'Esch"}, locality="Esch-sur-Alzette", lat=49.49, lon=5.98)
    f.place(conn, name={"fr": "Abbaye", "de": "Abtei"}, locality="Luxembourg", lat=49.61, lon=6.13)
    f.place(conn, name={"de": "Saarlandhalle"}, locality="Saarbrücken", lat=49.23, lon=6.98)
    f.place(conn, name={"fr": "50%_off"}, locality="Metz")
    conn.commit()

    first = gql(PLACES, first=2)
    assert first.data is not None
    assert first.data["places"]["edges"] == [
        {"node": {"name": "50%_off", "locality": "Metz"}},
        {"node": {"name": "Abtei", "locality": "Luxembourg"}},
    ]
    assert first.data["places"]["totalCount"] == 4
    second = gql(PLACES, first=2, after=first.data["places"]["pageInfo"]["endCursor"])
    assert second.data is not None
    assert second.data == {
        "places": {
            "totalCount": 4,
            "edges": [
                {"node": {"name": "Saarlandhalle", "locality": "Saarbrücken"}},
                {"node": {"name": "Théâtre d'Esch", "locality": "Esch-sur-Alzette"}},
            ],
            "pageInfo": {
                "hasNextPage": False,
                "endCursor": second.data["places"]["pageInfo"]["endCursor"],
            },
        }
    }

    def names(**arguments: Any) -> list[str]:
        result = gql(PLACES, **arguments)
        assert result.errors == []
        assert result.data is not None
        return [edge["node"]["name"] for edge in result.data["places"]["edges"]]

    assert names(text="THEATRE") == ["Théâtre d'Esch"]
    assert names(text="saarbrucken") == ["Saarlandhalle"]
    assert names(text="%") == ["50%_off"]
    assert names(text="_") == ["50%_off"]
    assert names(near={"lat": 49.61, "lon": 6.13, "radiusKm": 20}) == ["Abtei", "Théâtre d'Esch"]


def test_institutions_page_by_name(gql: Run, conn: psycopg.Connection[Any]) -> None:
    for slug, name in [("b", "beta"), ("a", "Alpha"), ("c", "Gamma"), ("d", "delta")]:
        f.institution(conn, slug=slug, name=name)
    conn.commit()
    document = """
    query($after: String) {
      institutions(first: 3, after: $after) {
        totalCount edges { node { slug name country } } pageInfo { hasNextPage endCursor }
      }
    }
    """
    first = gql(document)
    assert first.data is not None
    page = first.data["institutions"]
    assert [e["node"]["name"] for e in page["edges"]] == ["Alpha", "beta", "delta"]
    assert (page["totalCount"], page["pageInfo"]["hasNextPage"]) == (4, True)
    second = gql(document, after=page["pageInfo"]["endCursor"])
    assert second.data is not None
    assert second.data["institutions"]["edges"] == [
        {"node": {"slug": "c", "name": "Gamma", "country": "LU"}}
    ]


def test_categories_with_labels(gql: Run, conn: psycopg.Connection[Any]) -> None:
    f.category(conn, "music", labels={"fr": "Musique", "de": "Musik"}, position=1)
    f.category(conn, "music-jazz", labels={"fr": "Jazz"}, parent="music", position=2)
    f.category(conn, "theatre", labels={"fr": "Théâtre", "nl": "Theater"}, position=3)
    conn.commit()
    result = gql('{ categories(lang: "nl") { id label parentId } }')
    assert (result.errors, result.data) == (
        [],
        {
            "categories": [
                {"id": "music", "label": "Musique", "parentId": None},
                {"id": "music-jazz", "label": "Jazz", "parentId": "music"},
                {"id": "theatre", "label": "Theater", "parentId": None},
            ]
        },
    )
