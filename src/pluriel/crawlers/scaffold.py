"""``pluriel source new NAME URL``: save a site's page and write a spider and a failing test.

The city-scrapers way: a new site starts as a saved page under
``tests/fixtures/sites/NAME/``, a :class:`~pluriel.crawlers.sites.base.SiteSpider`
subclass whose hooks are still empty, and a test that reads the saved page
and fails on its first assertion until someone fills in both the spider and
the expected value. Nothing is overwritten.

:func:`fetch_page` is the fetcher the command uses: the same safety check as
a crawl (every redirect hop included), the crawler's User-Agent, robots.txt,
a size cap and a timeout, without starting Scrapy for one page.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin
from urllib.robotparser import RobotFileParser

from pluriel.crawlers.safety import check_target
from pluriel.crawlers.settings import CrawlOptions
from pluriel.errors import ConfigError, FeedFetchError, FeedRefusedError
from pluriel.model import UNDETERMINED, normalise_lang
from pluriel.readers.common import decode_text, safe_http_url
from pluriel.settings import Settings

__all__ = ["fetch_page", "new_site_spider"]

_NAME = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
_HTML_LANG = re.compile(r"<html\b[^>]*\blang\s*=\s*[\"']?([A-Za-z_-]+)", re.IGNORECASE)

_SPIDER = '''"""{cls}: the site spider for {url}.

Written by ``pluriel source new {name} {url}``. Fill in the hooks against
the saved page ``tests/fixtures/sites/{name}/page.html`` (see
``fabrique_metz.py`` and ``kulturbahnhof_saar.py`` for worked examples),
then the expected values in ``tests/crawlers/sites/test_{name}.py``.
"""

from __future__ import annotations

from collections.abc import Iterable

from scrapy.http import Response

from pluriel.crawlers.sites.base import ListingEntry, SiteSpider
from pluriel.model import SourceEvent

__all__ = ["{cls}"]


class {cls}(SiteSpider):
    name = "{name}"
    site_lang = "{lang}"
    site_timezone = "Europe/Luxembourg"

    def listing_entries(self, response: Response) -> Iterable[ListingEntry]:
        """The listing's links to each event page, e.g. ``response.css("a.event::attr(href)")``."""
        return ()

    def next_listing(self, response: Response) -> str | None:
        """The next listing page's link, or ``None`` on the last page."""
        return None

    def parse_event(self, response: Response) -> SourceEvent:
        """One event page as a :class:`SourceEvent`; raise ``ItemError`` for an unusable page."""
        raise NotImplementedError("{cls}.parse_event is not written yet")
'''

_TEST = '''"""{cls}: the saved page in, the spider's reading out. Fails until both are filled in."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from scrapy.http import HtmlResponse

from pluriel.crawlers.base import CrawlJob
from pluriel.crawlers.settings import CrawlOptions
from pluriel.crawlers.sites.{name} import {cls}
from pluriel.model import SourceFormat, SourceSpec
from pluriel.settings import Horizon

URL = {url!r}
PAGE = Path(__file__).resolve().parents[2] / "fixtures" / "sites" / "{name}" / "page.html"
# The day the page was saved: relative dates on it ("tomorrow") are read as of then.
NOW = datetime({year}, {month}, {day}, tzinfo=UTC)

# The first event page the saved listing links to, copied from the page by hand.
FIRST_EVENT_URL = ""


def make_spider() -> {cls}:
    spec = SourceSpec(id=1, institution_id=1, format=SourceFormat.SITE, url=URL, name="{name}")
    job = CrawlJob(spec=spec, now=NOW, horizon=Horizon(), options=CrawlOptions())
    return {cls}(job=job, emit=lambda outcome: None)


def test_the_listing_links_its_events() -> None:
    response = HtmlResponse(URL, body=PAGE.read_bytes())
    requests = [r for r in make_spider().parse_page(response) if r is not None]
    links = [r.url for r in requests if r.meta["pluriel_kind"] == "detail"]
    assert links[:1] == [FIRST_EVENT_URL], "fill in listing_entries() and FIRST_EVENT_URL"
'''


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_") if part) + "Spider"


def _page_lang(data: bytes) -> str:
    match = _HTML_LANG.search(decode_text(data[:65536]))
    return normalise_lang(match.group(1)) if match else UNDETERMINED


def new_site_spider(
    name: str, url: str, *, fetch: Callable[[str], bytes], root: Path
) -> list[Path]:
    """Save ``url`` as a fixture and write a spider and its test under ``root``; the paths written.

    Raises :class:`ConfigError` for a bad name or URL, or when any of the
    three files already exists.
    """
    if not _NAME.match(name) or name == "base":
        raise ConfigError(
            f"{name!r} is not a usable spider name: lower case letters, digits and underscores,"
            " starting with a letter (e.g. theatre_esch)"
        )
    if safe_http_url(url) is None:
        raise ConfigError(f"{url!r} is not an http(s) URL")
    fixture = root / "tests" / "fixtures" / "sites" / name / "page.html"
    spider = root / "src" / "pluriel" / "crawlers" / "sites" / f"{name}.py"
    test = root / "tests" / "crawlers" / "sites" / f"test_{name}.py"
    existing = [str(path) for path in (fixture, spider, test) if path.exists()]
    if existing:
        raise ConfigError(f"not overwriting {', '.join(existing)}")
    data = fetch(url)
    today = datetime.now(UTC)
    values = {
        "name": name,
        "url": url,
        "cls": _class_name(name),
        "lang": _page_lang(data),
        "year": today.year,
        "month": today.month,
        "day": today.day,
    }
    fixture.parent.mkdir(parents=True, exist_ok=True)
    fixture.write_bytes(data)
    spider.parent.mkdir(parents=True, exist_ok=True)
    spider.write_text(_SPIDER.format(**values), encoding="utf-8")
    test.parent.mkdir(parents=True, exist_ok=True)
    test.write_text(_TEST.format(**values), encoding="utf-8")
    return [fixture, spider, test]


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Every redirect hop passes the same safety check as the first request."""

    def __init__(self, check: Callable[[str], None]) -> None:
        super().__init__()
        self.check = check

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        try:
            self.check(newurl)
        except FeedRefusedError:
            fp.close()  # the refused hop's response would otherwise leak its socket
            raise
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_page(
    url: str,
    *,
    settings: Settings,
    allowed_hosts: frozenset[str] = frozenset(),
    options: CrawlOptions | None = None,
) -> bytes:
    """One page, fetched as the crawler would: checked, identified, robots.txt obeyed, capped."""
    limits = options or CrawlOptions()

    def check(target: str) -> None:
        check_target(
            target, allow_private=settings.allow_private_networks, allowed_hosts=allowed_hosts
        )

    opener = urllib.request.build_opener(_CheckedRedirects(check))

    def get(target: str) -> tuple[int, bytes]:
        check(target)
        # check_target above let only http(s) through, so no file: or custom scheme reaches here.
        request = urllib.request.Request(target, headers={"User-Agent": settings.user_agent})  # noqa: S310
        try:
            with opener.open(request, timeout=limits.download_timeout) as answer:
                body: bytes = answer.read(limits.max_bytes + 1)
                status: int = answer.status
        except urllib.error.HTTPError as exc:
            return exc.code, b""
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise FeedFetchError(f"{target}: {exc}") from None
        if len(body) > limits.max_bytes:
            cap = limits.max_bytes / (1024 * 1024)
            raise FeedFetchError(
                f"{target}: the response is larger than the {cap:g} MB download cap"
            )
        return status, body

    robots_status, robots = get(urljoin(url, "/robots.txt"))
    if robots_status == 200:
        parser = RobotFileParser()
        parser.parse(decode_text(robots).splitlines())
        if not parser.can_fetch("pluriel", url):
            raise FeedRefusedError(f"{url}: disallowed by robots.txt")
    status, body = get(url)
    if status != 200:
        raise FeedFetchError(f"{url}: HTTP {status}")
    return body
