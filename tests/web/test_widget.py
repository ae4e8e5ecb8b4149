"""/widget.js, the /widget demo page and the server-rendered /embed/agenda."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import psycopg
import pytest
from starlette.applications import Starlette

from graphql import parse, validate
from pluriel.graphql import build_schema
from pluriel.graphql.pool import Pool
from pluriel.locales import pgettext
from pluriel.settings import Settings
from pluriel.store import open_async_pool
from pluriel.web.app import create_app
from pluriel.web.widget import documents, routes, strings
from pluriel.web.widget.messages import MESSAGES
from tests import factories
from tests.web.conftest import AppClient

#: The size budget of the issue: the element, gzipped, under 30 KB.
BUDGET = 30 * 1024


def widget_app(settings: Settings, *, database_url: str, **options: Any) -> Starlette:
    """The real app with the widget's routes appended, as app.py will mount them."""
    app = create_app(settings, database_url=database_url, **options)
    holder: dict[str, Pool] = {}
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Starlette) -> AsyncIterator[None]:
        async with inner(application):
            pool = open_async_pool(database_url, min_size=1, max_size=4)
            await pool.open(wait=False)
            holder["pool"] = pool
            try:
                yield
            finally:
                await pool.close()

    app.router.lifespan_context = lifespan
    app.router.routes.extend(routes(pool=lambda: holder["pool"]))
    return app


@pytest.fixture
def client(settings: Settings, db_url: str) -> Iterator[AppClient]:
    with AppClient(widget_app(settings, database_url=db_url)) as app_client:
        yield app_client


def test_widget_js_is_a_module_with_its_tables_inlined(client: AppClient) -> None:
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["access-control-allow-origin"] == "*"
    body = response.text
    assert 'customElements.define("pluriel-agenda", PlurielAgenda)' in body
    assert "/*@strings*/" not in body
    assert "/*@documents*/" not in body
    table = json.loads(re.search(r"const STRINGS = (\{.*?\});\n", body).group(1))  # type: ignore[union-attr]
    assert table == strings()
    inlined = json.loads(re.search(r"const DOCUMENTS = (\{.*?\});\n", body).group(1))  # type: ignore[union-attr]
    assert inlined == documents()
    labels = json.loads(re.search(r"const ACCESSIBILITY = (\{.*?\});\n", body).group(1))  # type: ignore[union-attr]
    assert labels["de"]["wheelchair"] == "Rollstuhlgerecht"
    assert sorted(labels) == ["de", "en", "fr", "lb", "nl"]


def test_widget_js_fits_the_size_budget_gzipped(client: AppClient) -> None:
    response = client.get("/widget.js", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    # httpx decodes the body; measure what travels, compressed again at the same level.
    wire = gzip.compress(response.content, compresslevel=9, mtime=0)
    assert len(wire) < BUDGET, f"/widget.js is {len(wire)} bytes gzipped, budget {BUDGET}"


def test_widget_js_revalidates_with_its_etag(client: AppClient) -> None:
    etag = client.get("/widget.js").headers["etag"]
    again = client.get("/widget.js", headers={"If-None-Match": etag})
    assert (again.status_code, again.content) == (304, b"")


def test_strings_cover_every_language_and_key() -> None:
    table = strings()
    assert sorted(table) == ["de", "en", "fr", "lb", "nl"]
    keys = set(MESSAGES)
    assert {lang: sorted(set(words) ^ keys) for lang, words in table.items()} == {
        lang: [] for lang in table
    }


def test_strings_are_the_catalogs_translations() -> None:
    table = strings()
    assert table["en"] == dict(MESSAGES)
    assert [table[lang]["count"] for lang in ("fr", "de", "lb", "nl")] == [
        "Événements affichés : {n}",
        "Angezeigte Veranstaltungen: {n}",
        "Gewise Evenementer: {n}",
        "Getoonde evenementen: {n}",
    ]
    assert [table[lang]["to"] for lang in ("fr", "de", "lb", "nl")] == ["Au", "Bis", "Bis", "Tot"]
    assert table["de"]["MOVED_ONLINE"] == pgettext("de", "widget", "moved online")


def test_every_key_the_element_asks_for_has_a_string() -> None:
    source = (resources.files("pluriel.web.widget") / "static" / "agenda.js").read_text("utf-8")
    asked = set(re.findall(r"\bt\(\"(\w+)\"", source))
    statuses = {"CANCELLED", "POSTPONED", "RESCHEDULED", "MOVED_ONLINE"}
    assert len(asked) >= 30
    assert sorted(asked - set(MESSAGES)) == []
    assert sorted(set(MESSAGES) - asked - statuses) == []


def test_documents_validate_against_the_schema() -> None:
    schema = build_schema(debug=False, introspection=True)._schema
    errors = {
        name: [e.message for e in validate(schema, parse(doc))] for name, doc in documents().items()
    }
    assert errors["list"] == []
    assert errors["event_basic"] == []
    # The full detail document adds dateSummary and price; against an older API
    # without them the widget falls back to event_basic.
    assert errors["event"] == []


def test_demo_page_shows_several_configurations(client: AppClient) -> None:
    response = client.get("/widget")
    assert response.status_code == 200
    html = response.text
    assert '<script type="module" src="/widget.js"></script>' in html
    assert re.findall(r'^<pluriel-agenda lang="(\w+)"', html, re.M) == [
        "fr",
        "de",
        "en",
        "lb",
        "nl",
    ]
    assert 'view="month"' in html
    assert 'theme="dark"' in html
    assert '<iframe title="Agenda (fr)" src="/embed/agenda?lang=fr&amp;limit=5"' in html


def _seed(conn: psycopg.Connection[dict[str, Any]]) -> dict[str, int]:
    theatre = factories.institution(conn, slug="theatre", name="Théâtre du Centaure", country="LU")
    hall = factories.place(
        conn,
        name={"fr": "Grand Théâtre", "de": "Großes Theater"},
        street="1 Rond-point Schuman",
        postal_code="2525",
        locality="Luxembourg",
        country="LU",
        lat=49.6166,
        lon=6.1371,
    )
    factories.category(conn, "theatre", labels={"fr": "Théâtre", "de": "Theater"})
    first = factories.event(
        conn,
        institution_id=theatre,
        texts={
            "fr": ("Le Misanthrope", "<p>Molière, <em>revu</em>.</p>"),
            "de": ("Der Menschenfeind", "<p>Molière, neu gelesen.</p>"),
        },
        occurrences=[
            factories.Occ(
                datetime(2030, 3, 14, 19, 0, tzinfo=UTC), datetime(2030, 3, 14, 21, 0, tzinfo=UTC)
            )
        ],
        place_id=hall,
        categories=["theatre"],
        url="https://theatre.example/misanthrope",
    )
    second = factories.event(
        conn,
        institution_id=theatre,
        texts={"fr": ("Lecture </script><b>", None)},
        occurrences=[
            factories.Occ(
                datetime(2030, 3, 15, 23, 0, tzinfo=UTC),
                datetime(2030, 3, 16, 23, 0, tzinfo=UTC),
                all_day=True,
                status="cancelled",
            )
        ],
        url="javascript:alert(1)",
    )
    conn.commit()
    return {"first": first, "second": second}


def _json_ld(html: str) -> Any:
    match = re.search(r'<script type="application/ld\+json">\n(.*?)\n</script>', html, re.S)
    assert match is not None
    return json.loads(match.group(1))


def test_embed_renders_the_agenda_with_json_ld(
    client: AppClient, conn: psycopg.Connection[dict[str, Any]]
) -> None:
    ids = _seed(conn)
    response = client.get("/embed/agenda?lang=de&from=2030-03-14&to=2030-03-16")
    assert response.status_code == 200
    assert response.headers["content-language"] == "de"
    assert "frame-ancestors *" in response.headers["content-security-policy"]
    html = response.text
    assert '<html lang="de" class="light">' in html
    assert re.findall(r"<h2 id=\"d\d\">(.*?)</h2>", html) == [
        "Donnerstag, 14. März 2030",
        "Samstag, 16. März 2030",
    ]
    assert re.findall(r'<time datetime="[^"]+">(.*?)</time>', html) == ["20:00–22:00", "ganztägig"]
    assert (
        '<a href="https://theatre.example/misanthrope" target="_blank" rel="noopener">'
        "Der Menschenfeind</a>" in html
    )
    # No javascript: link, and the title is text, not markup.
    assert "javascript:" not in html
    assert (
        '<strong>Lecture &lt;/script&gt;&lt;b&gt;</strong><span class="badge">abgesagt</span>'
        in html
    )
    assert '<div class="meta">Großes Theater, Luxembourg</div>' in html
    assert f'<a href="/events/{ids["first"]}.ics">Zum Kalender hinzufügen</a>' in html
    assert _json_ld(html) == {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "Event",
                "@id": f"#occurrence-{_occurrence_id(conn, ids['first'])}",
                "name": "Der Menschenfeind",
                "startDate": "2030-03-14T20:00:00+01:00",
                "endDate": "2030-03-14T22:00:00+01:00",
                "eventStatus": "https://schema.org/EventScheduled",
                "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
                "inLanguage": "de",
                "description": "Molière, neu gelesen.",
                "url": "https://theatre.example/misanthrope",
                "location": {
                    "@type": "Place",
                    "name": "Großes Theater",
                    "address": {
                        "@type": "PostalAddress",
                        "streetAddress": "1 Rond-point Schuman",
                        "postalCode": "2525",
                        "addressLocality": "Luxembourg",
                        "addressCountry": "LU",
                    },
                    "geo": {"@type": "GeoCoordinates", "latitude": 49.6166, "longitude": 6.1371},
                },
                "organizer": {"@type": "Organization", "name": "Théâtre du Centaure"},
            },
            {
                "@type": "Event",
                "@id": f"#occurrence-{_occurrence_id(conn, ids['second'])}",
                "name": "Lecture </script><b>",
                "startDate": "2030-03-16",
                "endDate": "2030-03-17",
                "eventStatus": "https://schema.org/EventCancelled",
                "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
                "inLanguage": "de",
                "organizer": {"@type": "Organization", "name": "Théâtre du Centaure"},
            },
        ],
    }
    # Inside the script, markup characters are escaped so it cannot close early.
    assert "Lecture \\u003c/script\\u003e\\u003cb\\u003e" in html


def _occurrence_id(conn: psycopg.Connection[dict[str, Any]], event_id: int) -> int:
    row = conn.execute("select id from occurrence where event_id = %s", (event_id,)).fetchone()
    assert row is not None
    return int(row["id"])


def test_embed_pages_with_a_more_link(
    client: AppClient, conn: psycopg.Connection[dict[str, Any]]
) -> None:
    _seed(conn)
    first = client.get("/embed/agenda?lang=fr&from=2030-03-14&limit=1").text
    assert re.findall(r"<(?:a href=\"https[^\"]+\"[^>]*|strong)>(.*?)</", first) == [
        "Le Misanthrope"
    ]
    more = re.search(r'<a href="(\?[^"]+)" rel="next">Plus d’événements</a>', first)
    assert more is not None
    second = client.get("/embed/agenda" + more.group(1).replace("&amp;", "&")).text
    assert re.findall(r"<(?:a href=\"https[^\"]+\"[^>]*|strong)>(.*?)</", second) == [
        "Lecture &lt;/script&gt;&lt;b&gt;"
    ]
    assert 'rel="next"' not in second


def test_embed_says_which_parameter_is_wrong(client: AppClient) -> None:
    response = client.get("/embed/agenda?near=here")
    assert (response.status_code, response.text) == (
        400,
        "invalid query: near: expected 'lat,lon,radiusKm', got 'here'",
    )
    response = client.get("/embed/agenda?from=14/03/2030")
    assert (response.status_code, response.text) == (
        400,
        "invalid query: from: expected a date YYYY-MM-DD, got '14/03/2030'",
    )


def test_embed_with_nothing_to_show(client: AppClient) -> None:
    html = client.get("/embed/agenda?lang=nl&from=2030-01-01&to=2030-01-02").text
    assert "<p>Geen evenementen voor deze filters.</p>" in html
    assert _json_ld(html) == {"@context": "https://schema.org", "@graph": []}
