"""<pluriel-agenda> in headless Chromium, on a host page served from another origin.

One database, one API server and one host server for the module: the tests
only read. Events are placed relative to today (the widget asks for "from
now", like a visitor's browser would), and every rendered list is compared
with GraphQL's own answer to the same question.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import psycopg
import pytest
import uvicorn
from babel.dates import format_date
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from pluriel.settings import Settings
from pluriel.store import connect
from pluriel.web.widget import documents
from tests import factories
from tests.conftest import FIXTURES, TEMPLATE, require_runtime
from tests.web.test_widget import widget_app

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
ZONE = ZoneInfo("Europe/Luxembourg")
NODE_TOOLS = Path(__file__).resolve().parent / "node"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZONE).astimezone(UTC)


def _seed(conn: psycopg.Connection[dict[str, Any]]) -> None:
    today = datetime.now(ZONE).date()
    theatre = factories.institution(conn, slug="centaure", name="Théâtre du Centaure")
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
    factories.category(conn, "concert", labels={"fr": "Concert", "de": "Konzert", "en": "Concert"})
    factories.category(conn, "theatre", labels={"fr": "Théâtre", "de": "Theater", "en": "Theatre"})
    titles = [
        ("Quatuor à cordes", "Streichquartett", "concert"),
        ("Le Misanthrope", "Der Menschenfeind", "theatre"),
        ("Jazz au foyer", "Jazz im Foyer", "concert"),
        ("Les Fourberies de Scapin", "Scapins Streiche", "theatre"),
        ("Orgue et voix", "Orgel und Stimme", "concert"),
        ("Tartuffe", "Tartuffe", "theatre"),
        ("Chorale des enfants", "Kinderchor", "concert"),
    ]
    for n, (fr, de, category) in enumerate(titles):
        day = today + timedelta(days=1 + n // 2)
        start = _at(day, 18 + n % 2 * 2)
        factories.event(
            conn,
            institution_id=theatre,
            texts={
                "fr": (fr, f"<p>{fr}, <strong>au Grand Théâtre</strong>.</p>"),
                "de": (
                    de,
                    f"<p>{de}.</p><script>alert(1)</script>"
                    '<p onclick="x()">Mit <a href="javascript:x()">Link</a>.</p>',
                ),
            },
            occurrences=[factories.Occ(start, start + timedelta(hours=2))],
            place_id=hall,
            categories=[category],
            url=f"https://centaure.example/{n}",
            is_free=n == 4,
            accessibility=["wheelchair"] if n == 1 else [],
        )
    # Always inside the current month, so the month grid is never empty.
    first_of_month = today.replace(day=1)
    start = _at(first_of_month, 12)
    factories.event(
        conn,
        institution_id=theatre,
        texts={"de": ("Monatsmarkt", None), "fr": ("Marché du mois", None)},
        occurrences=[factories.Occ(start, start + timedelta(hours=4))],
        place_id=hall,
    )
    conn.commit()


@pytest.fixture(scope="module")
def database(server_url: str, template_url: str) -> Iterator[str]:
    require_runtime(shutil.which("chromium") is not None, "Chromium is not installed")
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f"create database {name} template {TEMPLATE}")
    url = make_conninfo(**{**conninfo_to_dict(server_url), "dbname": name})
    try:
        with connect(url) as conn:
            _seed(conn)
        yield url
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f"drop database if exists {name} with (force)")


@pytest.fixture(scope="module")
def api(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app over HTTP on a loopback port: the API and /widget.js."""
    settings = Settings(home=tmp_path_factory.mktemp("widget"), database_url=database)
    port = _free_port()
    config = uvicorn.Config(
        # Every request comes from 127.0.0.1: one visitor's budget would not last the module.
        widget_app(settings, database_url=database, anonymous_points=10_000_000),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws="none",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        if server.started:
            break
        threading.Event().wait(0.02)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def host(api: str) -> Iterator[str]:
    """The host page, on another origin (another port) than the API."""
    page = (FIXTURES / "widget" / "host.html").read_text(encoding="utf-8").replace("__API__", api)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = page.encode("utf-8")
            status = 200 if self.path == "/" else 404
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_runtime(shutil.which("chromium") is not None, "Chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, host: str) -> Iterator[Any]:
    context = browser.new_context(
        timezone_id="Europe/Luxembourg",
        locale="en-GB",
        viewport={"width": 1280, "height": 1600},
        accept_downloads=True,
    )
    context.set_default_timeout(5_000)
    tab = context.new_page()
    tab.requests = []  # every request the page makes, in order
    tab.on("request", lambda request: tab.requests.append((request.method, request.url)))
    tab.goto(host)
    tab.locator("#fr-list .item").first.wait_for()
    tab.locator("#de-month td[data-day]").first.wait_for()
    tab.locator("#de-month .status").filter(has_text="Angezeigte").wait_for()
    yield tab
    context.close()


def _graphql(api: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = httpx.get(
        f"{api}/graphql",
        params={"query": documents()["list"], "variables": json.dumps(variables)},
        headers={"Accept": "application/json"},
    )
    body = response.json()
    assert "errors" not in body, body
    return dict(body["data"])


def _expected(connection: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (
            datetime.fromisoformat(edge["node"]["start"])
            .astimezone(ZoneInfo(edge["node"]["timezone"]))
            .date()
            .isoformat(),
            edge["node"]["event"]["title"],
        )
        for edge in connection["edges"]
    ]


def _rendered(page: Any, widget: str) -> list[tuple[str, str]]:
    return [
        tuple(pair)
        for pair in page.locator(f"#{widget}").evaluate(
            """host => [...host.shadowRoot.querySelectorAll('.day[data-day] .item')]
                .map(item => [item.closest('[data-day]').dataset.day,
                              item.querySelector('.title').textContent])"""
        )
    ]


def _save(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"widget-{name}.png"), full_page=True)


def test_two_widgets_show_what_graphql_answers_in_one_round_trip_each(page: Any, api: str) -> None:
    # The French list follows the host's lang (fr-LU on its section), three events a page.
    expected = _graphql(api, {"filter": {}, "first": 3, "lang": "fr", "withCategories": False})
    assert _rendered(page, "fr-list") == _expected(expected["occurrences"])
    assert page.locator("#fr-list h2").first.text_content() == "Agenda"
    assert page.locator("#fr-list .more button").text_content() == "Plus d’événements"

    # The German month: every day's count is GraphQL's count for that day of the month.
    now = datetime.now(ZONE)
    start = datetime(now.year, now.month, 1, tzinfo=ZONE)
    end = datetime(now.year + now.month // 12, now.month % 12 + 1, 1, tzinfo=ZONE)
    month = _graphql(
        api,
        {
            "filter": {"from": start.isoformat(), "to": end.isoformat()},
            "first": 100,
            "lang": "de",
            "withCategories": False,
        },
    )
    counts: dict[str, int] = {}
    for day, _ in _expected(month["occurrences"]):
        counts[day] = counts.get(day, 0) + 1
    shown = page.locator("#de-month").evaluate(
        """host => Object.fromEntries([...host.shadowRoot.querySelectorAll('td[data-count]')]
            .filter(td => td.dataset.count !== '0' && td.getAttribute('aria-disabled') !== 'true')
            .map(td => [td.dataset.day, Number(td.dataset.count)]))"""
    )
    assert shown == counts
    assert counts[start.date().isoformat()] == 1
    assert page.locator("#de-month [role=grid] th").first.get_attribute("abbr") == "Montag"
    assert page.locator("#de-month .views button").all_text_contents() == ["Liste", "Monat"]

    # One GET per widget (no preflight, no second request), and nothing but the API and the host.
    graphql = [(m, u) for m, u in page.requests if "/graphql" in u]
    assert [m for m, _ in graphql] == ["GET", "GET"]
    origins = {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for _, u in page.requests}
    assert origins == {api, page.url.rstrip("/")}
    assert page.context.cookies() == []
    assert page.evaluate("document.cookie") == ""
    _save(page, "host-fr-list-de-month")


def test_filters_and_paging_by_keyboard(page: Any, api: str) -> None:
    widget = page.locator("#fr-list")
    search = widget.locator("input[type=search]")
    search.focus()
    page.keyboard.type("Misanthrope")
    page.keyboard.press("Enter")
    widget.locator(".status").filter(has_text="Événements affichés : 1").wait_for()
    filtered = _graphql(
        api, {"filter": {"text": "Misanthrope"}, "first": 3, "lang": "fr", "withCategories": False}
    )
    assert _rendered(page, "fr-list") == _expected(filtered["occurrences"])
    assert [title for _, title in _rendered(page, "fr-list")] == ["Le Misanthrope"]

    # Nothing matches: the empty state, in French.
    search.fill("")
    search.focus()
    page.keyboard.type("introuvable")
    page.keyboard.press("Enter")
    widget.locator(".empty").wait_for()
    assert widget.locator(".empty").text_content() == "Aucun événement ne correspond à ces filtres."

    # Category by keyboard, then free only.
    search.fill("")
    widget.locator("select").focus()
    widget.locator("select").select_option("concert")
    widget.locator("input[type=checkbox]").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # to the submit button
    page.keyboard.press("Enter")
    widget.locator(".status").filter(has_text="Événements affichés : 1").wait_for()
    assert [title for _, title in _rendered(page, "fr-list")] == ["Orgue et voix"]

    # A date range: the day after tomorrow only, from local midnight to the next.
    widget.locator("input[type=checkbox]").uncheck()
    widget.locator("select").select_option("")
    day = datetime.now(ZONE).date() + timedelta(days=2)
    widget.locator("input[name=from]").fill(day.isoformat())
    widget.locator("input[name=to]").fill(day.isoformat())
    widget.locator("button[type=submit]").press("Enter")
    widget.locator(".status").filter(has_text="Événements affichés : 2").wait_for()
    window = {
        "from": datetime.combine(day, time(0), ZONE).isoformat(),
        "to": datetime.combine(day + timedelta(days=1), time(0), ZONE).isoformat(),
    }
    ranged = _graphql(api, {"filter": window, "first": 3, "lang": "fr", "withCategories": False})
    assert _rendered(page, "fr-list") == _expected(ranged["occurrences"])
    assert {d for d, _ in _rendered(page, "fr-list")} == {day.isoformat()}
    widget.locator("input[name=from]").fill("")
    widget.locator("input[name=to]").fill("")

    # Back to everything, then "more" by keyboard: the next page follows, focus on its first event.
    widget.locator("input[type=checkbox]").uncheck()
    widget.locator("select").select_option("")
    widget.locator("button[type=submit]").press("Enter")
    widget.locator(".status").filter(has_text="Événements affichés : 3").wait_for()
    widget.locator(".more button").focus()
    page.keyboard.press("Enter")
    widget.locator(".status").filter(has_text="Événements affichés : 6").wait_for()
    everything = _graphql(api, {"filter": {}, "first": 6, "lang": "fr", "withCategories": False})
    assert _rendered(page, "fr-list") == _expected(everything["occurrences"])
    focused = page.evaluate(
        "document.querySelector('#fr-list').shadowRoot.activeElement?.closest('.item')?.dataset.index"
    )
    assert focused == "3"
    _save(page, "fr-list-paged")


def test_detail_dialog_by_keyboard(page: Any, api: str) -> None:
    widget = page.locator("#fr-list")
    item = widget.locator(".item").filter(has_text="Le Misanthrope")
    title = item.locator(".title")
    event_id = item.get_attribute("data-event")
    title.focus()
    page.keyboard.press("Enter")
    dialog = widget.locator("dialog[open]")
    dialog.locator("h2").filter(has_text="Le Misanthrope").wait_for()
    assert dialog.get_attribute("aria-labelledby") == dialog.locator("h2").get_attribute("id")
    assert (
        page.evaluate("document.querySelector('#fr-list').shadowRoot.activeElement.textContent")
        == "Fermer"
    )
    terms = dialog.locator("dt").all_text_contents()
    assert terms == ["Dates", "Lieu", "Accessibilité"]
    assert dialog.locator("dd").nth(2).text_content() == "Accessible en fauteuil roulant"
    summary = httpx.get(
        f"{api}/graphql",
        params={"query": f'{{ event(id: "{event_id}") {{ dateSummary(lang: "fr") }} }}'},
        headers={"Accept": "application/json"},
    ).json()["data"]["event"]["dateSummary"]
    assert summary
    assert dialog.locator("dd").nth(0).text_content() == summary
    assert (
        dialog.locator(".desc").inner_html()
        == "<p>Le Misanthrope, <strong>au Grand Théâtre</strong>.</p>"
    )
    map_link = dialog.locator("a", has_text="Carte sur OpenStreetMap")
    assert map_link.get_attribute("href") == (
        "https://www.openstreetmap.org/?mlat=49.6166&mlon=6.1371#map=17/49.6166/6.1371"
    )
    ics = dialog.locator("a.ics")
    href = ics.get_attribute("href")
    assert href == f"{api}/events/{event_id}.ics"
    assert ics.text_content() == "Ajouter au calendrier"
    assert (
        dialog.locator("a", has_text="Site web").get_attribute("href")
        == "https://centaure.example/1"
    )
    assert dialog.locator("a.share").get_attribute("href") == (
        "mailto:?subject=Le%20Misanthrope&body=https%3A%2F%2Fcentaure.example%2F1"
    )
    with page.expect_download() as download:
        ics.click()
    calendar = Path(download.value.path()).read_text(encoding="utf-8")
    assert calendar.startswith("BEGIN:VCALENDAR")
    assert "SUMMARY;LANGUAGE=fr:Le Misanthrope" in calendar
    _save(page, "fr-detail")
    page.keyboard.press("Escape")
    widget.locator("dialog[open]").wait_for(state="detached")
    assert (
        page.evaluate("document.querySelector('#fr-list').shadowRoot.activeElement.textContent")
        == "Le Misanthrope"
    )


def test_detail_strips_scripts_and_handlers(page: Any) -> None:
    widget = page.locator("#de-month")
    # German texts carry a script, a handler and a javascript: link, as if the server let them by.
    cell = widget.locator("td[data-count]:not([data-count='0']):not([aria-disabled])").last
    cell.focus()
    page.keyboard.press("Enter")
    widget.locator(".day .title").first.press("Enter")
    dialog = widget.locator("dialog[open]")
    dialog.locator(".desc").wait_for()
    html = dialog.locator(".desc").inner_html()
    assert "<script" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert dialog.locator(".close").text_content() == "Schließen"


def test_month_grid_by_keyboard(page: Any) -> None:
    widget = page.locator("#de-month")
    selected = widget.locator("td[aria-selected=true]")
    day = date.fromisoformat(selected.get_attribute("data-day"))
    selected.focus()
    page.keyboard.press("ArrowRight")
    following = (day + timedelta(days=1)).isoformat()
    active = "document.querySelector('#de-month').shadowRoot.activeElement.dataset.day"
    if (day + timedelta(days=1)).month == day.month:
        assert page.evaluate(active) == following
        assert widget.locator("td[tabindex='0']").get_attribute("data-day") == following
    heading = widget.locator(".month-head h3")
    title = heading.text_content()
    page.keyboard.press("PageDown")
    widget.locator(".month-head h3").filter(has_not_text=title).wait_for()
    page.keyboard.press("PageUp")
    widget.locator(".month-head h3").filter(has_text=title).wait_for()
    assert widget.locator("[role=grid]").get_attribute("aria-labelledby") == widget.locator(
        ".month-head h3"
    ).get_attribute("id")
    _save(page, "de-month-keyboard")
    # And the same widget as a list, switched by keyboard.
    widget.locator(".views button", has_text="Liste").press("Enter")
    widget.locator("[role=grid]").wait_for(state="detached")
    widget.locator(".results > .day .item").first.wait_for()
    assert widget.locator(".views button", has_text="Liste").get_attribute("aria-pressed") == "true"


def test_demo_page_runs_every_configuration(browser: Any, api: str) -> None:
    context = browser.new_context(timezone_id="Europe/Luxembourg")
    context.set_default_timeout(5_000)
    tab = context.new_page()
    tab.goto(f"{api}/widget")
    widgets = tab.locator("pluriel-agenda")
    assert widgets.count() == 6
    for n in range(6):
        widgets.nth(n).locator(".results > *").first.wait_for()
    assert tab.locator("pluriel-agenda .error").count() == 0
    headings = [widgets.nth(n).locator("h2").first.text_content() for n in range(6)]
    assert headings == [
        "Agenda",
        "Veranstaltungskalender",
        "Agenda",
        "Agenda",
        "Agenda",
        "Veranstaltungskalender",
    ]
    assert widgets.nth(3).locator(".views button").all_text_contents() == ["Lëscht", "Mount"]
    # Luxembourgish day names even where the browser's Intl has no lb (Babel's, inlined).
    first_day = widgets.nth(3).locator(".day[data-day]").first
    expected_title = format_date(
        date.fromisoformat(first_day.get_attribute("data-day")), "full", locale="lb"
    )
    assert first_day.locator("h3").text_content() == expected_title
    assert widgets.nth(4).locator(".views button").all_text_contents() == ["Lijst", "Maand"]
    tab.frame_locator("iframe").locator("h1").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "widget-demo.png"), full_page=True)
    context.close()


def test_error_state_offers_a_retry(browser: Any, host: str) -> None:
    context = browser.new_context(timezone_id="Europe/Luxembourg")
    tab = context.new_page()

    def is_api(url: str) -> bool:
        return "/graphql?" in url

    tab.route(is_api, lambda route: route.fulfill(status=503, body="{}"))
    tab.goto(host)
    error = tab.locator("#fr-list .error")
    error.wait_for()
    assert error.locator("p").text_content() == "L’agenda n’a pas pu être chargé."
    assert error.locator("button").text_content() == "Réessayer"
    assert (
        tab.locator("#de-month .error p").text_content()
        == "Der Kalender konnte nicht geladen werden."
    )
    tab.unroute(is_api)
    error.locator("button").press("Enter")
    tab.locator("#fr-list .item").first.wait_for()
    context.close()


def test_host_css_stays_out_and_widget_css_stays_in(page: Any) -> None:
    inside = page.locator("#fr-list").evaluate(
        """host => {
            const root = host.shadowRoot;
            const style = (el) => {
                const s = getComputedStyle(el);
                return [s.color, s.fontFamily.includes('Comic'), s.borderTopStyle, s.letterSpacing];
            };
            return { title: style(root.querySelector('.title')),
                     heading: style(root.querySelector('h3')),
                     item: getComputedStyle(root.querySelector('.item')).display };
        }"""
    )
    assert inside == {
        "title": ["rgb(11, 87, 208)", False, "none", "normal"],
        "heading": ["rgb(27, 27, 31)", False, "none", "normal"],
        "item": "grid",
    }
    outside = page.evaluate(
        """() => { const h = getComputedStyle(document.querySelector('#host-heading'));
                   const b = getComputedStyle(document.querySelector('#host-button'));
                   return [h.fontSize, h.color, b.color, b.textDecorationLine]; }"""
    )
    # The widget's h2 is 1.25rem and its .title underlined: neither reaches the host's.
    assert outside == ["30px", "rgb(200, 0, 0)", "rgb(200, 0, 0)", "none"]


def _axe_source() -> str:
    script = NODE_TOOLS / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        require_runtime(shutil.which("npm") is not None, "npm is not installed (for axe-core)")
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=NODE_TOOLS,
            check=True,
            capture_output=True,
        )
    return script.read_text(encoding="utf-8")


def _serious(page: Any) -> list[tuple[str, str, list[str]]]:
    page.add_script_tag(content=_axe_source())
    results = page.evaluate(
        """() => axe.run({ include: [['#fr-list'], ['#de-month']] },
                         { resultTypes: ['violations'] })"""
    )
    return [
        (v["id"], v["impact"], [str(n["target"]) for n in v["nodes"]])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_axe_finds_no_serious_violation(page: Any) -> None:
    assert _serious(page) == []
    page.locator("#fr-list .item .title").first.press("Enter")
    page.locator("#fr-list dialog[open] .desc").wait_for()
    assert _serious(page) == []


def test_dark_theme_passes_axe(page: Any) -> None:
    # Reduced motion: no colour transition, so axe measures the final colours at once.
    page.emulate_media(reduced_motion="reduce")
    assert (
        page.locator("#fr-list .btn").first.evaluate("b => getComputedStyle(b).transitionDuration")
        == "0s"
    )
    page.evaluate(
        "document.querySelectorAll('pluriel-agenda').forEach(w => w.setAttribute('theme', 'dark'))"
    )
    assert _serious(page) == []
    _save(page, "dark")
