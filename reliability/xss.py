"""XSS: hostile event text through every way in, checked in GraphQL output and in Chromium.

Ways in: iCalendar, JSON-LD and RSS feeds (reader + ingest), ``pluriel
import`` (the real CLI in a subprocess), the submission API
(``submit_event``) and uploads (``apply_upload``). Every event carries
script tags, ``on*`` handlers, ``javascript:``/``data:`` URLs and SVG
payloads. GraphQL must answer plain titles, descriptions made only of the
allowed tags and attributes, and http(s) URLs; the widget, over the same
data in headless Chromium, must fire no dialog, set no marker and hold no
injected element.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import uvicorn

from pluriel.aggregator.ingest import ingest_outcome
from pluriel.aggregator.submission import apply_upload, submit_event
from pluriel.model import FetchOutcome, SourceFormat
from pluriel.readers import ReadContext, read
from pluriel.store import connect, registry
from pluriel.store.accounts import Actor, create_account
from reliability.client import InProcess
from reliability.data import free_port, make_source, static_server
from reliability.pg import postgres
from reliability.serve import build_app

if TYPE_CHECKING:
    from playwright.sync_api import Dialog

__all__ = ["PAYLOADS", "URL_PAYLOADS", "check_graphql", "run_xss"]

MARK = "window.__xss=(window.__xss||0)+1;alert(1)"
PAYLOADS = [
    f"<script>{MARK}</script>",
    f'<img src=x onerror="{MARK}">',
    f'<svg onload="{MARK}"><script>{MARK}</script></svg>',
    f'<svg><animate onbegin="{MARK}" attributeName=x dur=1s>',
    f'<a href="javascript:{MARK}">lien</a>',
    f'<a href="JaVaScRiPt:{MARK}">lien</a>',
    '<a href="&#106;avascript:alert(1)">lien</a>',
    f'<iframe src="javascript:{MARK}"></iframe>',
    f'"><svg/onload={MARK}>',
    f"'><img src=x onerror={MARK}>",
    f'<div style="background:url(javascript:alert(1))" onmouseover="{MARK}">survol</div>',
    f"<math><mtext><table><mglyph><style><img src=x onerror={MARK}>",
    f'<object data="data:text/html,<script>{MARK}</script>"></object>',
    f'<form action="javascript:{MARK}"><button>ok</button></form>',
    f'<details open ontoggle="{MARK}">x</details>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]
URL_PAYLOADS = [
    f"javascript:{MARK}",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "JAVASCRIPT:alert(1)",
]
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "h3",
    "h4",
    "h5",
    "h6",
    "span",
    "small",
    "sub",
    "sup",
}
ALLOWED_ATTRIBUTES = {"href", "title", "hreflang", "lang", "rel"}
TAG = re.compile(r"<\s*/?\s*[a-zA-Z!]")
#: What the entity-encoded payload becomes once decoded: literal characters in plain text,
#: not markup the source sent. Counted apart (see docs/RELIABILITY.md).
DECODED = "<script>alert(1)</script>"
QUERY = """query($after: String) { events(first: 100, after: $after) { edges { node {
  id title description url bookingUrl imageUrl onlineUrl place { name }
  fr: title(lang: "fr") de: title(lang: "de") descDe: description(lang: "de")
} } pageInfo { endCursor hasNextPage } } }"""


def _starts(n: int) -> Iterator[datetime]:
    base = datetime.now(UTC).replace(microsecond=0, second=0) + timedelta(days=1)
    for i in range(n):
        yield base + timedelta(days=i % 20, hours=i % 6)


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def ics_feed(prefix: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//reliability//xss//EN"]
    for i, (payload, start) in enumerate(zip(PAYLOADS, _starts(len(PAYLOADS)), strict=True)):
        stamp = start.strftime("%Y%m%dT%H%M%SZ")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{prefix}-{i}@xss",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{stamp}",
            f"SUMMARY:{_ics_text(f'{prefix} {i} {payload}')}",
            f"DESCRIPTION:{_ics_text(payload)}",
            f"X-ALT-DESC;FMTTYPE=text/html:{_ics_text(payload)}",
            f"LOCATION:{_ics_text(payload)}",
            f"URL:{URL_PAYLOADS[i % len(URL_PAYLOADS)]}",
            f"ATTACH;FMTTYPE=image/png:{URL_PAYLOADS[(i + 1) % len(URL_PAYLOADS)]}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def jsonld_page(prefix: str) -> bytes:
    graph = []
    for i, (payload, start) in enumerate(zip(PAYLOADS, _starts(len(PAYLOADS)), strict=True)):
        bad = URL_PAYLOADS[i % len(URL_PAYLOADS)]
        graph.append(
            {
                "@type": "Event",
                "@id": f"https://agenda.example/{prefix}/{i}",
                "name": f"{prefix} {i} {payload}",
                "description": payload,
                "startDate": start.isoformat(),
                "url": bad,
                "image": bad,
                "location": {"@type": "Place", "name": payload, "url": bad},
                "offers": {"@type": "Offer", "url": bad, "price": "10", "priceCurrency": "EUR"},
            }
        )
    body = json.dumps({"@context": "https://schema.org", "@graph": graph}).replace("</", "<\\/")
    page = (
        f'<html><head><script type="application/ld+json">{body}</script></head><body></body></html>'
    )
    return page.encode()


def rss_feed(prefix: str) -> bytes:
    items = []
    for i, (payload, start) in enumerate(zip(PAYLOADS, _starts(len(PAYLOADS)), strict=True)):
        items.append(
            f"<item><title>{html.escape(f'{prefix} {i} {payload}')}</title>"
            f"<link>{html.escape(URL_PAYLOADS[i % len(URL_PAYLOADS)])}</link>"
            f"<guid>{prefix}-{i}</guid>"
            f"<description><![CDATA[{payload} {start:%d.%m.%Y %H:%M}]]></description>"
            f"<ev:startdate>{start.isoformat()}</ev:startdate>"
            f"<ev:location>{html.escape(payload)}</ev:location></item>"
        )
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:ev="http://purl.org/rss/1.0/modules/event/">'
        "<channel><title>xss</title>"
        "<link>https://agenda.example/</link>" + "".join(items) + "</channel></rss>"
    ).encode()


def _feeds(url: str, now: datetime) -> dict[str, Any]:
    got = {}
    ctx = ReadContext(now=now, lang="fr", url="https://agenda.example/")
    with connect(url) as conn:
        for fmt, data in (
            (SourceFormat.ICS, ics_feed("ics")),
            (SourceFormat.JSONLD, jsonld_page("jsonld")),
            (SourceFormat.RSS, rss_feed("rss")),
        ):
            spec = make_source(conn, f"xss-{fmt.value}", fmt=fmt)
            result = read(fmt, data, ctx)
            report = ingest_outcome(
                conn, spec, FetchOutcome(source_id=spec.id, started_at=now, result=result), now=now
            )
            got[fmt.value] = report.summary()
    return got


def _cli_import(url: str, home: Path) -> str:
    path = home / "hostile.ics"
    path.write_bytes(ics_feed("import"))
    with connect(url) as conn:
        registry.add_institution(conn, "importer", name="Importer", country="LU")
        conn.commit()
    env = {**os.environ, "DATABASE_URL": url, "PLURIEL_HOME": str(home)}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pluriel.cli import main; sys.exit(main())",
            "import",
            str(path),
            "--institution",
            "importer",
            "--lang",
            "fr",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return (
        (done.stdout + done.stderr).strip().splitlines()[-1]
        if done.stdout + done.stderr
        else str(done.returncode)
    )


def _submissions(url: str, now: datetime) -> dict[str, Any]:
    with connect(url) as conn:
        inst = registry.add_institution(
            conn, "xss-trusted", name="Trusted", country="LU", trust="trusted"
        ).id
        conn.commit()
        actor = Actor(label="token:xss", institution_id=inst)
        statuses: dict[str, int] = {}
        for i, (payload, start) in enumerate(zip(PAYLOADS, _starts(len(PAYLOADS)), strict=True)):
            bad = URL_PAYLOADS[i % len(URL_PAYLOADS)]
            base = {
                "externalId": f"api-{i}",
                "title": [
                    {"lang": "fr", "text": f"api {i} {payload}"},
                    {"lang": "de", "text": payload},
                ],
                "description": [{"lang": "fr", "text": payload}, {"lang": "de", "text": payload}],
                "occurrences": [{"start": start.strftime("%Y-%m-%dT%H:%M")}],
                "timezone": "Europe/Luxembourg",
                "place": {"name": payload, "locality": payload, "country": "LU"},
                "attendanceMode": "OFFLINE",
            }
            # Titles with tags are refused (markup_not_allowed): the last variant keeps the
            # hostile description and URLs under a plain title, so they are tested too.
            plain = {
                **base,
                "title": [{"lang": "fr", "text": f"api {i} titre"}],
                "place": {"name": f"Salle {i}", "locality": "Mamer", "country": "LU"},
            }
            variants = (
                {**base, "url": bad, "bookingUrl": bad, "imageUrl": bad},
                base,
                {**plain, "url": bad, "bookingUrl": bad, "imageUrl": bad},
                plain,
            )
            for variant in variants:
                result = submit_event(
                    conn, institution_id=inst, actor=actor, input=variant, lang="fr", now=now
                )
                statuses[result.status] = statuses.get(result.status, 0) + 1
                if result.status != "invalid":
                    break
        upload = apply_upload(
            conn,
            institution_id=inst,
            actor=actor,
            data=ics_feed("upload"),
            fmt=SourceFormat.ICS,
            now=now,
            lang="fr",
        )
        statuses[f"upload:{upload.status}"] = 1
    return statuses


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES:
                self.problems.append(f"attribute {name}= on <{tag}>")
            if name == "href" and urlsplit((value or "").strip()).scheme.lower() not in {
                "http",
                "https",
                "mailto",
            }:
                self.problems.append(f"href {value!r}")


def check_graphql(client: InProcess, decoded: set[str]) -> tuple[int, list[str]]:
    """Every event through the API: (events checked, problems); ``decoded`` collects DECODED."""
    problems: list[str] = []
    checked = 0
    after = None
    while True:
        body = client.post("/graphql", json={"query": QUERY, "variables": {"after": after}}).json()
        if body.get("errors"):
            return checked, [f"GraphQL errors: {body['errors']}"]
        page = body["data"]["events"]
        for edge in page["edges"]:
            node = edge["node"]
            checked += 1
            name = node["title"][:40]
            texts = [node["title"], node["fr"], node["de"], (node["place"] or {}).get("name")]
            for text in filter(None, texts):
                if TAG.search(text.replace(DECODED, "")):
                    problems.append(f"{name!r}: plain text carries markup: {text[:120]!r}")
                elif DECODED in text:
                    decoded.add(node["id"])
            for key in ("description", "descDe"):
                if node[key]:
                    parser = _Markup()
                    parser.feed(node[key])
                    problems += [f"{name!r}: {key}: {p}" for p in parser.problems]
                    if "javascript:" in node[key].lower() and "href" in node[key]:
                        problems.append(f"{name!r}: {key} links to javascript:")
            for key in ("url", "bookingUrl", "imageUrl", "onlineUrl"):
                value = node[key]
                if value is not None and urlsplit(value).scheme not in {"http", "https"}:
                    problems.append(f"{name!r}: {key} is {value!r}")
        if not page["pageInfo"]["hasNextPage"]:
            return checked, problems
        after = page["pageInfo"]["endCursor"]


HOST = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<script type="module" src="__API__/widget.js"></script></head><body>
<pluriel-agenda id="list" api="__API__/graphql" limit="100"></pluriel-agenda>
<pluriel-agenda id="month" api="__API__/graphql" lang="de" view="month"></pluriel-agenda>
</body></html>"""

#: Counts every element in the page and in every shadow root that could run script.
INJECTED = """() => {
  const bad = [];
  const active = /on[a-z]+\\s*=|<script|javascript:|<animate|<set /i;
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      const tag = el.tagName.toLowerCase();
      const own = tag === 'script'
        && /\\/(widget\\.js|submit\\/static\\/[a-z]+\\.js)$/.test(el.src);
      if (!own && ['script', 'iframe', 'object', 'embed', 'img', 'details', 'math'].includes(tag)) {
        bad.push(el.outerHTML.slice(0, 120));
      } else if (tag === 'svg' && active.test(el.outerHTML)) {
        bad.push(el.outerHTML.slice(0, 120));
      }
      for (const attr of el.attributes) {
        if (/^on/i.test(attr.name) || /^\\s*(javascript|data|vbscript):/i.test(attr.value)) {
          bad.push(tag + ' ' + attr.name + '=' + attr.value.slice(0, 60));
        }
      }
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  return bad;
}"""


@contextmanager
def _serve(url: str, home: Path) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            build_app(url, home), host="127.0.0.1", port=port, log_level="warning", ws="none"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _dismiss_into(messages: list[str]) -> Callable[[Dialog], None]:
    """A dialog handler: note the message (an alert is proof a payload ran) and close it."""

    def handle(dialog: Dialog) -> None:
        messages.append(dialog.message)
        dialog.dismiss()

    return handle


def browser_check(url: str, home: Path) -> dict[str, Any]:
    """The widget over the hostile data, in headless Chromium; opens every detail dialog."""
    chromium = shutil.which("chromium")
    if chromium is None:
        return {"skipped": "Chromium is not installed"}
    from playwright.sync_api import sync_playwright

    dialogs: list[str] = []
    with (
        _serve(url, home) as api,
        static_server(
            {"/": (200, "text/html; charset=utf-8", HOST.replace("__API__", api).encode(), {})}
        ) as host,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(10_000)
            page.on("dialog", _dismiss_into(dialogs))
            page.goto(host + "/")
            items = page.locator("#list .item")
            items.first.wait_for()
            shown = items.count()
            titles = page.locator("#list .item .title")
            opened = 0
            for i in range(titles.count()):
                titles.nth(i).click()
                dialog = page.locator("#list dialog[open]")
                dialog.wait_for()
                opened += 1
                page.keyboard.press("Escape")
                dialog.wait_for(state="hidden")
            page.wait_for_timeout(300)
            injected = page.evaluate(INJECTED)
            marker = page.evaluate("() => window.__xss || 0")
        finally:
            browser.close()
    return {
        "events_shown": shown,
        "details_opened": opened,
        "dialogs_fired": dialogs,
        "marker": marker,
        "injected_elements": injected[:20],
    }


MEMBER = ("member@xss.example", "member-password-2026")
MODERATOR = ("moderator@xss.example", "moderator-password-2026")


def _form_accounts(url: str, now: datetime) -> str:
    """A member of the trusted institution, a moderator, and a hostile upload in the queue."""
    with connect(url) as conn:
        trusted = registry.get_institution(conn, "xss-trusted")
        standard = registry.add_institution(conn, "xss-standard", name="Standard", country="LU")
        conn.commit()
        if trusted is None:
            raise RuntimeError("the submissions step did not create xss-trusted")
        create_account(
            conn, email=MEMBER[0], password=MEMBER[1], institution_id=trusted.id, role="member"
        )
        create_account(conn, email=MODERATOR[0], password=MODERATOR[1], role="moderator")
        conn.commit()
        queued = apply_upload(
            conn,
            institution_id=standard.id,
            actor=Actor(label="token:standard", institution_id=standard.id),
            data=ics_feed("queued"),
            fmt=SourceFormat.ICS,
            now=now,
            lang="fr",
        )
    return queued.status


def _inspect(page: Any, where: str, found: dict[str, Any]) -> None:
    page.wait_for_timeout(300)
    found["pages"].append(where)
    found["marker"] += page.evaluate("() => window.__xss || 0")
    found["injected_elements"] += [f"{where}: {e}" for e in page.evaluate(INJECTED)]


def form_check(url: str, home: Path, now: datetime) -> dict[str, Any]:
    """The submission form's pages over the hostile data, logged in, in Chromium."""
    chromium = shutil.which("chromium")
    if chromium is None:
        return {"skipped": "Chromium is not installed"}
    from playwright.sync_api import sync_playwright

    upload = _form_accounts(url, now)
    found: dict[str, Any] = {"pages": [], "marker": 0, "injected_elements": [], "dialogs": []}
    with _serve(url, home) as api, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            for email, password, pages in (
                (MEMBER[0], MEMBER[1], ["/submit", "/submit/mine", "/submit/upload"]),
                (MODERATOR[0], MODERATOR[1], ["/moderation"]),
            ):
                context = browser.new_context()
                page = context.new_page()
                page.set_default_timeout(10_000)
                page.on("dialog", _dismiss_into(found["dialogs"]))
                page.goto(api + "/submit/login?lang=fr")
                page.fill("#email", email)
                page.fill("#password", password)
                page.click("button[type=submit]")
                page.wait_for_load_state()
                for path in pages:
                    page.goto(api + path + "?lang=fr")
                    if path == "/submit":
                        page.fill("#place_q", "lien")  # what the hostile place names keep
                        page.locator("[data-place-results] label").first.wait_for()
                        found["place_suggestions"] = page.locator(
                            "[data-place-results] label"
                        ).count()
                    _inspect(page, path, found)
                    found[f"hostile_titles_on:{path}"] = page.content().count("alert(1)")
                context.close()
        finally:
            browser.close()
    found["queued_upload"] = upload
    return found


def run_xss(*, browser: bool = True, database_url: str | None = None) -> dict[str, Any]:
    now = datetime.now(UTC)
    failures: list[str] = []
    with contextmanager(_database)(database_url) as url, tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        ways = {"feeds": _feeds(url, now), "import": _cli_import(url, home)}
        ways["api_and_upload"] = _submissions(url, now)
        with InProcess(build_app(url, home)) as client:
            decoded: set[str] = set()
            checked, problems = check_graphql(client, decoded)
        failures += problems
        seen = browser_check(url, home) if browser else {"skipped": "not asked"}
        form = form_check(url, home, now) if browser else {"skipped": "not asked"}
    if seen.get("dialogs_fired") or seen.get("marker") or seen.get("injected_elements"):
        failures.append(f"the widget ran or kept hostile markup: {seen}")
    if form.get("dialogs") or form.get("marker") or form.get("injected_elements"):
        failures.append(f"the submission pages ran or kept hostile markup: {form}")
    return {
        "payloads": len(PAYLOADS),
        "url_payloads": len(URL_PAYLOADS),
        "ways_in": ways,
        "events_checked_in_graphql": checked,
        "events_with_entity_decoded_tag_text": len(decoded),
        "browser": seen,
        "form": form,
        "failures": failures,
        "errors": len(failures),
    }


def _database(database_url: str | None) -> Iterator[str]:
    if database_url is not None:
        yield database_url
        return
    with postgres() as pg:
        yield pg.new_database()
