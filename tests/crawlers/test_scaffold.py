"""``pluriel source new``: a saved page, a spider to fill in, and a test that fails until then."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pluriel.crawlers.scaffold import fetch_page, new_site_spider
from pluriel.errors import ConfigError, FeedFetchError, FeedRefusedError
from pluriel.settings import Settings
from tests.conftest import FIXTURES
from tests.crawlers.server import FixtureServer, Route

URL = "https://theatre-esch.example.lu/programme/"
PAGE = b"""<!doctype html><html lang="fr-LU"><body>
<a class="event" href="/spectacle/lear/">Le Roi Lear</a>
</body></html>"""


def fetch(url: str) -> bytes:
    assert url == URL
    return PAGE


def run_generated_test(root: Path) -> subprocess.CompletedProcess[str]:
    """Run the generated test as its author would, with the new module on the sites package."""
    sites = root / "src" / "pluriel" / "crawlers" / "sites"
    code = (
        "import sys, pytest, pluriel.crawlers.sites as sites;"
        f"sites.__path__.append({str(sites)!r});"
        "sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', sys.argv[1]]))"
    )
    test = root / "tests" / "crawlers" / "sites" / "test_theatre_esch.py"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-c", code, str(test)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_scaffold_writes_three_files_and_a_test_that_fails_until_filled_in(tmp_path: Path) -> None:
    written = new_site_spider("theatre_esch", URL, fetch=fetch, root=tmp_path)
    fixture = tmp_path / "tests" / "fixtures" / "sites" / "theatre_esch" / "page.html"
    spider = tmp_path / "src" / "pluriel" / "crawlers" / "sites" / "theatre_esch.py"
    test = tmp_path / "tests" / "crawlers" / "sites" / "test_theatre_esch.py"
    assert written == [fixture, spider, test]
    assert fixture.read_bytes() == PAGE
    source = spider.read_text()
    assert "class TheatreEschSpider(SiteSpider):" in source
    assert '    name = "theatre_esch"\n    site_lang = "fr"\n' in source

    failing = run_generated_test(tmp_path)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "AssertionError: fill in listing_entries() and FIRST_EVENT_URL" in failing.stdout
    assert "1 failed" in failing.stdout

    spider.write_text(
        source.replace(
            "        return ()\n",
            "        return [ListingEntry(href) for href in"
            ' response.css("a.event::attr(href)").getall()]\n',
        )
    )
    test.write_text(
        test.read_text().replace(
            'FIRST_EVENT_URL = ""',
            'FIRST_EVENT_URL = "https://theatre-esch.example.lu/spectacle/lear/"',
        )
    )
    passing = run_generated_test(tmp_path)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "1 passed" in passing.stdout


def test_scaffold_never_overwrites(tmp_path: Path) -> None:
    new_site_spider("theatre_esch", URL, fetch=fetch, root=tmp_path)
    with pytest.raises(ConfigError) as caught:
        new_site_spider("theatre_esch", URL, fetch=fetch, root=tmp_path)
    assert str(caught.value).startswith("not overwriting ")


@pytest.mark.parametrize(
    ("name", "url", "message"),
    [
        ("Theatre-Esch", URL, "'Theatre-Esch' is not a usable spider name"),
        ("base", URL, "'base' is not a usable spider name"),
        ("theatre_esch", "file:///etc/passwd", "'file:///etc/passwd' is not an http(s) URL"),
    ],
)
def test_scaffold_checks_its_arguments(tmp_path: Path, name: str, url: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        new_site_spider(name, url, fetch=fetch, root=tmp_path)
    assert str(caught.value).startswith(message)
    assert list(tmp_path.iterdir()) == []


def test_fetch_page_is_as_careful_as_a_crawl() -> None:
    page = FIXTURES / "sites" / "fabrique-metz" / "agenda.html"
    server = FixtureServer(
        {
            "/robots.txt": Route(fixture="robots.txt", content_type="text/plain"),
            "/agenda/": Route(fixture=str(page)),
            "/private/agenda/": Route(fixture=str(page)),
            "/moved": Route(status=302, headers={"Location": "http://localhost:{port}/agenda/"}),
        }
    )
    with server.running():
        allowed = Settings(allow_private_networks=True)
        assert fetch_page(server.url("/agenda/"), settings=allowed) == page.read_bytes()
        assert server.requests_for("/agenda/")[0].headers["user-agent"] == allowed.user_agent
        with pytest.raises(FeedRefusedError) as robots:
            fetch_page(server.url("/private/agenda/"), settings=allowed)
        assert str(robots.value) == f"{server.url('/private/agenda/')}: disallowed by robots.txt"
        with pytest.raises(FeedFetchError) as missing:
            fetch_page(server.url("/nothing"), settings=allowed)
        assert str(missing.value) == f"{server.url('/nothing')}: HTTP 404"
        strict = Settings(allow_private_networks=False)
        with pytest.raises(FeedRefusedError) as refused:
            fetch_page(server.url("/agenda/"), settings=strict)
        assert str(refused.value).startswith("refused: 127.0.0.1 is a loopback address")
        with pytest.raises(FeedRefusedError) as hop:
            fetch_page(
                server.url("/moved"), settings=strict, allowed_hosts=frozenset({"127.0.0.1"})
            )
        assert str(hop.value).startswith("refused: localhost resolves to ")
        assert server.requests_for("/moved") != []
