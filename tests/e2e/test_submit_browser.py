"""An institution submits through /submit in a real browser; a moderator approves; it is served.

The real app (create_app plus the submission pages) runs under uvicorn on a
loopback port; headless Chromium (Debian's, driven by Playwright) logs in,
fills the form once in German and once in French, and a moderator approves
both in /moderation. Both events are then found through GraphQL and in the
ICS feed. Dates lie ahead of the real clock, since the served app uses it.
"""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import uvicorn

from pluriel.settings import Settings
from pluriel.store import connect, registry
from pluriel.store.accounts import create_account
from pluriel.web.app import create_app
from pluriel.web.submit import routes
from tests.conftest import require_runtime

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(db_url: str, tmp_path: Path) -> Iterator[str]:
    with connect(db_url) as conn:
        cube = registry.add_institution(conn, "cube521", name="CUBE 521", country="LU").id
        create_account(conn, email="anne@cube521.lu", password=PASSWORD, institution_id=cube)
        create_account(
            conn, email="mod@pluriel.eu", password=PASSWORD, role="moderator", region="LU"
        )
        conn.commit()
    settings = Settings(home=tmp_path, database_url=db_url)
    app = create_app(settings, database_url=db_url)
    app.router.routes.extend(routes(settings, database_url=db_url, secret=b"e2e-secret"))
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="on"
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    for _ in range(250):
        if uv.started:
            break
        threading.Event().wait(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        uv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[Any]:
    require_runtime(shutil.which("chromium") is not None, "Chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _login(page: Any, base: str, email: str, lang: str, button: str) -> None:
    page.goto(f"{base}/submit/login?lang={lang}")
    page.get_by_label({"de": "E-Mail-Adresse", "fr": "Adresse e-mail"}[lang]).fill(email)
    page.get_by_label({"de": "Passwort", "fr": "Mot de passe"}[lang]).fill(PASSWORD)
    page.get_by_role("button", name=button).click()


def _submit(
    page: Any, base: str, lang: str, event: dict[str, str], send: str, *, fresh: bool = True
) -> None:
    if fresh:
        page.goto(f"{base}/submit?lang={lang}")
    page.fill(f"#title_{lang}", event["title"])
    page.fill(f"#description_{lang}", event["description"])
    page.fill("#place_name", event["place"])
    page.fill("#place_locality", "Luxembourg")
    page.fill("#place_country", "LU")
    page.fill("#start_0", event["start"])
    page.check('input[name=categories][value="concert-classical"]')
    page.get_by_role("button", name=send).click()
    page.wait_for_url("**/submit/mine**")


def test_submit_in_german_and_french_moderate_then_find_them_everywhere(
    server: str, browser: Any, db_url: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    day = date.today() + timedelta(days=12)
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Luxembourg")
    page = context.new_page()

    _login(page, server, "anne@cube521.lu", "de", "Anmelden")
    page.wait_for_url("**/submit?lang=de")
    assert page.locator("h1").inner_text() == "Veranstaltung einreichen"
    assert page.get_by_role("tab", name="Deutsch").get_attribute("aria-selected") == "true"
    page.screenshot(path=str(ARTIFACTS / "submit-form-de.png"), full_page=True)

    # An error first: the summary names the field and focus lands on it.
    page.get_by_role("button", name="Veranstaltung senden").click()
    summary = page.locator("#error-summary")
    assert "Dieses Feld ist erforderlich." in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.locator("#title_de").get_attribute("aria-describedby") == "err-title_de "
    page.screenshot(path=str(ARTIFACTS / "submit-errors-de.png"), full_page=True)
    page.get_by_role("link", name="Dieses Feld ist erforderlich.").first.click()
    assert page.evaluate("document.activeElement.id") == "title_de"

    _submit(
        page,
        server,
        "de",
        {
            "title": "Orgelnacht in der Kathedrale",
            "description": "Bach und Reger, gespielt auf der großen Orgel.",
            "place": "Kathedrale Notre-Dame",
            "start": f"{day.isoformat()}T20:00",
        },
        "Veranstaltung senden",
        fresh=False,  # the same form, kept as a draft by the failed attempt
    )
    assert "prüft es in Kürze" in page.locator("[role=status]").inner_text()
    _submit(
        page,
        server,
        "fr",
        {
            "title": "Nuit des chorales aux Rotondes",
            "description": "Trois chœurs d’enfants chantent Fauré.",
            "place": "Rotondes",
            "start": f"{(day + timedelta(days=1)).isoformat()}T19:30",
        },
        "Envoyer l’événement",
    )
    page.screenshot(path=str(ARTIFACTS / "submit-mine-fr.png"), full_page=True)
    page.get_by_role("button", name="Se déconnecter").click()

    _login(page, server, "mod@pluriel.eu", "fr", "Se connecter")
    page.wait_for_url("**/moderation?lang=fr")
    queue = page.locator("ol.queue")
    assert "Orgelnacht in der Kathedrale" in queue.inner_text()
    assert "Nuit des chorales aux Rotondes" in queue.inner_text()
    page.screenshot(path=str(ARTIFACTS / "moderation-fr.png"), full_page=True)
    for _ in range(2):
        page.get_by_role("button", name="Approuver et publier").first.click()
        page.wait_for_url("**/moderation?lang=fr&done=approved")
    assert "Rien n’attend de vérification." in page.locator("main").inner_text()
    context.close()

    with httpx.Client(base_url=server, timeout=10) as http:
        for text, title, locality in [
            ("Orgelnacht", "Orgelnacht in der Kathedrale", "Luxembourg"),
            # Matched to the gazetteer's Rotondes, which knows the quarter.
            ("chorales", "Nuit des chorales aux Rotondes", "Luxembourg-Bonnevoie"),
        ]:
            answer = http.post(
                "/graphql",
                json={
                    "query": "query($t: String) { events(filter: {text: $t}) {"
                    " edges { node { title place { name locality } } } } }",
                    "variables": {"t": text},
                },
            )
            assert answer.status_code == 200, answer.text
            edges = answer.json()["data"]["events"]["edges"]
            assert [e["node"]["title"] for e in edges] == [title]
            assert edges[0]["node"]["place"]["locality"] == locality
        feed = http.get("/feeds/events.ics")
        assert feed.status_code == 200
        unfolded = feed.text.replace("\r\n ", "")
        assert "SUMMARY;LANGUAGE=de:Orgelnacht in der Kathedrale" in unfolded
        assert "SUMMARY;LANGUAGE=fr:Nuit des chorales aux Rotondes" in unfolded
    with psycopg.connect(db_url) as conn:
        rows = conn.execute("select status from submission order by id").fetchall()
    assert rows == [("approved",), ("approved",)]
