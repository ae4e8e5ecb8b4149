"""The submission pages against a real PostgreSQL: login, form, drafts, errors, moderation, upload.

The pages run in a plain Starlette app through Starlette's test client, with
a fixed signing key and the frozen clock; HTML is checked through the
elements a person (or a screen reader) relies on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from html import unescape
from pathlib import Path
from typing import Any

import psycopg
import pytest
from starlette.applications import Starlette

from pluriel.settings import Settings
from pluriel.store import registry
from pluriel.store.accounts import create_account
from pluriel.store.submissions import pending_submissions, submissions_of
from pluriel.web.submit import routes
from pluriel.web.submit.security import RateLimiter, Signer, load_secret
from tests import factories
from tests.web.conftest import AppClient

Conn = psycopg.Connection[dict[str, Any]]
PASSWORD = "correct horse battery"
FIXTURES_ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:up-1\r
DTSTAMP:20260901T000000Z\r
DTSTART;TZID=Europe/Luxembourg:20261020T200000\r
SUMMARY:Jazz am Bahnhof\r
LOCATION:Kulturbahnhof, Saarbruecken\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.fixture
def institutions(conn: Conn) -> dict[str, int]:
    ids = {
        "standard": registry.add_institution(conn, "cube521", name="CUBE 521", country="LU").id,
        "trusted": registry.add_institution(
            conn, "kinneksbond", name="Kinneksbond", country="LU", trust="trusted"
        ).id,
    }
    create_account(conn, email="anne@cube521.lu", password=PASSWORD, institution_id=ids["standard"])
    create_account(
        conn, email="marc@kinneksbond.lu", password=PASSWORD, institution_id=ids["trusted"]
    )
    create_account(conn, email="mod@pluriel.eu", password=PASSWORD, role="moderator", region="LU")
    factories.place(
        conn, name={"fr": "Rotondes", "lb": "Rotonden"}, locality="Luxembourg", country="LU"
    )
    conn.commit()
    return ids


@pytest.fixture
def client(settings: Settings, db_url: str, now: datetime) -> Iterator[AppClient]:
    app = Starlette(
        routes=routes(
            settings,
            database_url=db_url,
            secret=b"test-secret",
            now=lambda: now,
            post_limit=RateLimiter(capacity=20, per_second=0.0),
        )
    )
    with AppClient(app) as test_client:
        yield test_client


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _login(client: AppClient, email: str, lang: str = "de") -> AppClient:
    page = client.get(f"/submit/login?lang={lang}")
    response = client.post(
        "/submit/login",
        data={"csrf": _csrf(page.text), "lang": lang, "email": email, "password": PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


def _logout(client: AppClient) -> None:
    page = client.get("/submit/mine?lang=en")
    response = _post(client, "/submit/logout", page.text, {"lang": "en"})
    assert (response.status_code, response.headers["location"]) == (303, "/submit/login?lang=en")
    assert client.get("/submit/mine", follow_redirects=False).status_code == 303


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def _post(client: AppClient, url: str, page: str, data: dict[str, Any]) -> Any:
    return client.post(url, data={"csrf": _csrf(page), **data}, follow_redirects=False)


EVENT_DE: dict[str, Any] = {
    "lang": "de",
    "title_de": "Orgelkonzert im Dom",
    "description_de": "<p>Bach <script>alert(1)</script>und Reger.</p>",
    "attendance_mode": "offline",
    "place_id": "new",
    "place_name": "Kathedrale",
    "place_locality": "Luxembourg",
    "place_country": "lu",
    "start_0": "2026-10-18T17:00",
    "end_0": "2026-10-18T18:30",
    "timezone": "Europe/Luxembourg",
    "categories": ["concert-classical"],
    "accessibility": ["wheelchair"],
    "price_free": "on",
}


def test_login_sets_a_safe_session_cookie_and_a_wrong_password_says_so(
    client: AppClient, institutions: dict[str, int]
) -> None:
    page = client.get("/submit/login?lang=fr")
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text
    wrong = _post(
        client,
        "/submit/login",
        page.text,
        {"lang": "fr", "email": "anne@cube521.lu", "password": "nope nope nope"},
    )
    assert wrong.status_code == 400
    assert "L’adresse e-mail ou le mot de passe est incorrect." in wrong.text
    right = _post(
        client,
        "/submit/login",
        page.text,
        {"lang": "fr", "email": "ANNE@cube521.lu", "password": PASSWORD},
    )
    assert (right.status_code, right.headers["location"]) == (303, "/submit?lang=fr")
    cookie = right.headers["set-cookie"]
    assert cookie.startswith("pluriel_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http in the test; https sets it


def test_the_form_needs_a_login(client: AppClient) -> None:
    response = client.get("/submit?lang=nl", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/submit/login?lang=nl")


def test_the_form_speaks_the_interface_language_and_marks_each_text_language(
    client: AppClient, institutions: dict[str, int]
) -> None:
    _login(client, "anne@cube521.lu", lang="de")
    page = client.get("/submit", headers={"Accept-Language": "de-LU,de;q=0.9"})
    assert page.status_code == 200
    assert '<html lang="de">' in page.text
    assert "<h1>Veranstaltung einreichen</h1>" in page.text
    assert re.findall(r'<legend lang="(\w+)">', page.text) == ["fr", "de", "lb", "en", "nl"]
    assert '<input id="title_lb" name="title_lb" lang="lb"' in page.text
    assert '<label for="title_lb">Titel der Veranstaltung</label>' in page.text
    assert "Rollstuhlgerecht" in page.text  # accessibility vocabulary in German
    assert ">Konzert</label>" in _text(page.text) or "Konzert" in page.text
    assert "Montag" in page.text  # weekday names from CLDR
    english = client.get("/submit?lang=en")
    assert "<h1>Submit an event</h1>" in english.text


def test_errors_are_shown_next_to_their_fields_and_the_draft_keeps_everything(
    client: AppClient, institutions: dict[str, int], conn: Conn
) -> None:
    _login(client, "anne@cube521.lu", lang="de")
    page = client.get("/submit?lang=de")
    bad = {
        **EVENT_DE,
        "title_de": "",
        "description_fr": "Orgue",
        "end_0": "2026-10-18T16:00",
        "booking_url": "www.example.org",
        "action": "submit",
    }
    response = _post(client, "/submit", page.text, bad)
    assert response.status_code == 400
    summary = re.search(r'<div class="error-summary".*?</div>', response.text, re.S)
    assert summary is not None
    assert re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary.group(0)) == [
        ("title_de", "Dieses Feld ist erforderlich."),
        ("end_0", "Das Ende muss nach dem Beginn liegen."),
        (
            "booking_url",
            "Geben Sie eine vollständige Webadresse an, die mit http:// oder https:// beginnt.",
        ),
    ]
    assert '<span class="error" id="err-end_0">' in response.text
    assert re.search(
        r'<input id="end_0" name="end_0" type="datetime-local" value="2026-10-18T16:00"'
        r' aria-invalid="true" aria-describedby="err-end_0 "',
        response.text,
    )
    drafts = submissions_of(conn, institutions["standard"])
    assert [(d.status, d.payload["form"]["description_fr"]) for d in drafts] == [("draft", "Orgue")]
    external_id = drafts[0].external_id
    restored = client.get(f"/submit?lang=de&draft={external_id}")
    assert '<textarea id="description_fr" name="description_fr" lang="fr" rows="6">Orgue' in (
        restored.text
    )
    assert f'name="external_id" value="{external_id}"' in restored.text
    assert pending_submissions(conn) == []


def test_the_preview_shows_sanitised_html(client: AppClient, institutions: dict[str, int]) -> None:
    _login(client, "anne@cube521.lu", lang="de")
    page = client.get("/submit?lang=de")
    response = _post(client, "/submit", page.text, {**EVENT_DE, "action": "preview"})
    assert response.status_code == 200
    assert '<div class="description" lang="de"><p>Bach und Reger.</p></div>' in response.text
    assert "<script>alert" not in response.text


def test_a_standard_institution_waits_and_the_moderator_rejects_with_a_reason(
    client: AppClient, institutions: dict[str, int], conn: Conn
) -> None:
    _login(client, "anne@cube521.lu", lang="de")
    page = client.get("/submit?lang=de")
    sent = _post(client, "/submit", page.text, {**EVENT_DE, "action": "submit"})
    assert (sent.status_code, sent.headers["location"]) == (
        303,
        "/submit/mine?lang=de&done=pending",
    )
    mine = client.get(sent.headers["location"])
    assert "Danke: Eine Moderatorin oder ein Moderator prüft es in Kürze." in mine.text
    assert "Wartet auf Prüfung" in mine.text
    (waiting,) = pending_submissions(conn, region="LU")
    assert waiting.payload["input"]["title"] == [{"lang": "de", "text": "Orgelkonzert im Dom"}]

    _logout(client)
    _login(client, "mod@pluriel.eu", lang="fr")
    queue = client.get("/moderation?lang=fr")
    assert "Orgelkonzert im Dom" in queue.text
    assert "CUBE 521" in queue.text
    empty = _post(
        client, f"/moderation/{waiting.id}/reject", queue.text, {"lang": "fr", "reason": " "}
    )
    assert empty.status_code == 400
    assert "Veuillez indiquer un motif" in empty.text
    rejected = _post(
        client,
        f"/moderation/{waiting.id}/reject",
        queue.text,
        {"lang": "fr", "reason": "Photo manquante."},
    )
    assert rejected.status_code == 303
    assert "Rien n’attend de vérification." in client.get("/moderation?lang=fr").text

    queue = client.get("/moderation?lang=en")
    response = _post(client, "/submit/logout", queue.text, {"lang": "en"})
    assert response.status_code == 303
    _login(client, "anne@cube521.lu", lang="de")
    mine = client.get("/submit/mine?lang=de")
    row = re.search(r'<tr data-status="rejected">.*?</tr>', mine.text, re.S)
    assert row is not None
    assert _text(row.group(0)) == (
        "Orgelkonzert im Dom 2026-10-18 17:00 Abgelehnt Photo manquante."
    )


def test_a_trusted_institution_publishes_at_once(
    client: AppClient, institutions: dict[str, int], conn: Conn
) -> None:
    _login(client, "marc@kinneksbond.lu", lang="fr")
    page = client.get("/submit?lang=fr")
    sent = _post(client, "/submit", page.text, {**EVENT_DE, "lang": "fr", "action": "submit"})
    assert sent.headers["location"] == "/submit/mine?lang=fr&done=approved"
    rows = conn.execute("select title from event_text where lang = 'de'").fetchall()
    assert rows == [{"title": "Orgelkonzert im Dom"}]


def test_a_member_cannot_moderate_and_a_post_without_csrf_is_refused(
    client: AppClient, institutions: dict[str, int]
) -> None:
    _login(client, "anne@cube521.lu", lang="en")
    assert client.get("/moderation?lang=en").status_code == 403
    response = client.post("/submit", data={**EVENT_DE, "action": "submit"})
    assert (response.status_code, response.text) == (
        403,
        "Dieses Formular ist abgelaufen. Bitte senden Sie es erneut.",
    )


def test_posts_beyond_the_rate_limit_get_429(client: AppClient) -> None:
    codes = [client.post("/submit/login", data={"lang": "en"}).status_code for _ in range(22)]
    assert codes == [403] * 20 + [429, 429]


def test_the_place_picker_searches_the_gazetteer_with_and_without_javascript(
    client: AppClient, institutions: dict[str, int]
) -> None:
    _login(client, "anne@cube521.lu", lang="lb")
    found = client.get("/submit/places?q=rotond&lang=lb")
    assert found.json() == {
        "places": [{"id": 1, "name": "Rotonden", "locality": "Luxembourg", "country": "LU"}]
    }
    page = client.get("/submit?lang=lb")
    response = _post(
        client,
        "/submit",
        page.text,
        {"lang": "lb", "place_q": "Rotondes", "action": "search_place"},
    )
    assert '<input type="radio" name="place_id" value="1"> Rotonden, Luxembourg (LU)' in (
        response.text
    )


def test_an_upload_shows_its_preview_then_waits_for_review(
    client: AppClient, institutions: dict[str, int], conn: Conn
) -> None:
    _login(client, "anne@cube521.lu", lang="en")
    page = client.get("/submit/upload?lang=en")
    preview = client.post(
        "/submit/upload",
        data={"csrf": _csrf(page.text), "lang": "en", "action": "preview", "content_lang": "de"},
        files={"file": ("programme.ics", FIXTURES_ICS, "text/calendar")},
    )
    assert preview.status_code == 200, preview.text
    section = re.search(r'<section class="preview".*?</section>', preview.text, re.S)
    assert section is not None
    assert _text(section.group(0)).startswith(
        "What this file will change New events (1) Jazz am Bahnhof · 2026-10-20 18:00 UTC"
        " Updated events (0) Cancelled events (0) Unchanged events: 0"
    )
    assert pending_submissions(conn) == []
    confirm = _post(
        client,
        "/submit/upload",
        section.group(0),
        {
            "lang": "en",
            "action": "apply",
            "data": re.search(r'name="data" value="([^"]+)"', section.group(0)).group(1),  # type: ignore[union-attr]
            "format": "ics",
            "content_lang": "de",
        },
    )
    assert (confirm.status_code, confirm.headers["location"]) == (
        303,
        "/submit/mine?lang=en&done=pending",
    )
    assert [(s.kind, s.status) for s in pending_submissions(conn)] == [("upload", "pending")]


def test_without_a_configured_key_one_is_created_once_in_the_home(tmp_path: Path) -> None:
    first = load_secret(tmp_path, environ={})
    assert len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert load_secret(tmp_path, environ={}) == first
    assert load_secret(tmp_path, environ={"PLURIEL_SECRET_KEY": "from-env"}) == b"from-env"


def test_a_session_cookie_is_refused_when_tampered_with_or_too_old() -> None:
    clock = [1_000_000.0]
    signer = Signer(b"key", clock=lambda: clock[0], max_age=3600)
    cookie = signer.issue(42)
    session = signer.read(cookie)
    assert session is not None
    assert session.account_id == 42
    assert signer.read(cookie.replace("42.", "43.", 1)) is None
    assert signer.read("garbage") is None
    assert signer.check_csrf(session.nonce, signer.csrf(session.nonce))
    assert not signer.check_csrf(session.nonce, "0" * 64)
    clock[0] += 3601
    assert signer.read(cookie) is None
