"""The registered portal documents are valid against the schema and run."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from graphql import parse, validate
from pluriel.graphql.documents import trusted_documents
from tests import factories as f
from tests.graphql.conftest import SCHEMA, Run

DOCUMENTS = trusted_documents()


@pytest.mark.parametrize("name", sorted(d.name for d in DOCUMENTS.values()))
def test_document_validates(name: str) -> None:
    document = next(d for d in DOCUMENTS.values() if d.name == name)
    assert validate(SCHEMA._schema, parse(document.text)) == []


def test_today_in_my_city(gql: Run, conn: psycopg.Connection[Any]) -> None:
    institution = f.institution(conn)
    esch = f.place(conn, name={"fr": "Kulturfabrik"}, locality="Esch-sur-Alzette", country="LU")
    f.event(
        conn,
        institution_id=institution,
        place_id=esch,
        texts={"fr": ("Concert", None), "de": ("Konzert", None)},
        occurrences=[datetime(2026, 10, 1, 18, tzinfo=UTC)],
    )
    conn.commit()
    text = next(d.text for d in DOCUMENTS.values() if d.name == "today_in_city")
    result = gql(
        text,
        localities=["esch-sur-alzette"],
        **{"from": "2026-10-01T00:00:00+02:00", "to": "2026-10-02T00:00:00+02:00"},
        lang="de",
    )
    assert result.errors == []
    assert result.data is not None
    edges = result.data["occurrences"]["edges"]
    assert [(e["node"]["start"], e["node"]["event"]["title"]) for e in edges] == [
        ("2026-10-01T18:00:00+00:00", "Konzert")
    ]
    assert edges[0]["node"]["event"]["dateSummary"] == "1. Okt., 20:00"
