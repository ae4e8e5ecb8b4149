"""SSRF: every way of naming a private address is refused, before fetching and at connect time.

Three layers are driven: :func:`check_target` with literal addresses in all
the spellings resolvers accept and with names a test resolver maps to private
addresses; the connect-time check with a rebinding resolver (public when
checked, loopback when connecting); and a real crawl in the crawler process
(feeds on private addresses, redirects from an allowed host to private ones).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pluriel.crawlers import CrawlOptions, check_target, run_crawl
from pluriel.crawlers.safety import check_resolved
from pluriel.errors import FeedRefusedError
from pluriel.model import FetchOutcome, SourceFormat, SourceSpec
from pluriel.settings import Settings
from reliability.data import free_port, static_server

__all__ = ["LITERALS", "NAMES", "run_ssrf"]

PUBLIC = "93.184.216.34"

#: URL -> what the refusal must say.
LITERALS: dict[str, str] = {
    "http://127.0.0.1/": "loopback",
    "http://127.1/": "loopback",
    "http://2130706433/": "loopback",  # decimal
    "http://0x7f000001/": "loopback",  # hexadecimal
    "http://0x7f.0x0.0x0.0x1/": "loopback",
    "http://0x7f.1/": "loopback",
    "http://0177.0.0.1/": "loopback",  # octal
    "http://017700000001/": "loopback",
    "http://[::1]/": "loopback",
    "http://[::ffff:127.0.0.1]/": "loopback",
    "http://[::ffff:7f00:1]/": "loopback",
    "http://0.0.0.0/": "unspecified",
    "http://0/": "unspecified",
    "http://[::]/": "unspecified",
    "http://10.0.0.1/": "private",
    "http://167772161/": "private",  # 10.0.0.1 in decimal
    "http://0xa000001/": "private",
    "http://172.16.5.4/": "private",
    "http://192.168.1.1/": "private",
    "http://0xc0a80101/": "private",
    "http://[fc00::1]/": "private",
    "http://[fd12:3456::1]/": "private",
    "http://[fe80::1]/": "link-local",
    "http://[fe80::1%25eth0]/": "link-local",
    "http://169.254.1.1/": "link-local",
    "http://169.254.169.254/latest/meta-data/": "cloud-metadata",
    "http://2852039166/": "cloud-metadata",  # 169.254.169.254 in decimal
    "http://0xa9fea9fe/": "cloud-metadata",
    "http://[fd00:ec2::254]/": "cloud-metadata",
    "http://100.64.0.1/": "shared",
    "http://224.0.0.1/": "multicast",
    "http://[ff02::1]/": "multicast",
    "http://240.0.0.1/": "reserved",
    "http://user:pw@127.0.0.1:8080/feed.ics": "loopback",
    "https://127.0.0.1:443/": "loopback",
    "file:///etc/passwd": "only http and https",
    "gopher://127.0.0.1:70/": "only http and https",
    "ftp://10.0.0.1/": "only http and https",
    "javascript:alert(1)": "only http and https",
    "http:///feed.ics": "no host",
    "http://[::1/": "not a valid URL",
    "http://127.0.0.1:99999/": "not a valid URL",
}

#: Host name -> what a (test) resolver answers.
NAMES: dict[str, Sequence[str]] = {
    "localhost": ["127.0.0.1", "::1"],
    "intranet.example": ["10.1.2.3"],
    "mixed.example": [PUBLIC, "192.168.0.10"],  # one bad answer is enough
    "v6.example": ["2606:2800:220:1::1", "fe80::5"],
    "metadata.example": ["169.254.169.254"],
    "mapped.example": ["::ffff:10.0.0.1"],
}


def _refusal(url: str, **options: Any) -> str | None:
    try:
        check_target(url, allow_private=False, **options)
    except FeedRefusedError as exc:
        return str(exc)
    return None


def _check_targets(failures: list[str]) -> int:
    tried = 0
    for url, kind in LITERALS.items():
        tried += 1
        message = _refusal(url, resolver=lambda host: [PUBLIC])
        if message is None or kind not in message:
            failures.append(f"check_target({url!r}): expected a {kind!r} refusal, got {message!r}")
    for host, answers in NAMES.items():
        tried += 1
        message = _refusal(f"http://{host}/agenda.ics", resolver=lambda _, a=answers: list(a))
        if message is None or not message.startswith("refused:"):
            failures.append(f"{host} -> {answers}: not refused ({message!r})")
    # Even with private networks allowed, metadata addresses stay refused.
    for url in ("http://169.254.169.254/", "http://0xa9fea9fe/", "http://[fd00:ec2::254]/"):
        tried += 1
        try:
            check_target(url, allow_private=True)
            failures.append(f"{url}: accepted with allow_private=True")
        except FeedRefusedError:
            pass
    return tried


def _rebinding(failures: list[str]) -> int:
    """Public when the request is checked, loopback when the socket connects."""
    answers = iter([[PUBLIC], ["127.0.0.1"]])

    def rebinding(host: str) -> list[str]:
        return next(answers)

    url = "http://rebind.example/feed.ics"
    first = _refusal(url, resolver=rebinding)
    if first is not None:
        failures.append(f"rebinding: the public first answer was refused: {first}")
    second = next(answers)[0]
    for address in (second, "::1", "10.0.0.7", "169.254.169.254", "::ffff:127.0.0.1"):
        try:
            check_resolved(
                "rebind.example", address, allow_private=False, allowed_hosts=frozenset()
            )
            failures.append(f"rebinding: connecting to {address} was allowed")
        except FeedRefusedError:
            pass
    return 6


def _crawl(failures: list[str]) -> dict[str, str]:
    """Real crawls: private feed URLs and redirects from an allowed host to private ones."""
    closed = free_port()
    targets = {
        "loopback": f"http://127.0.0.1:{closed}/feed.ics",
        "localhost": f"http://localhost:{closed}/feed.ics",
        "decimal": f"http://2130706433:{closed}/feed.ics",
        "hex": f"http://0x7f000001:{closed}/feed.ics",
        "ipv6-loopback": f"http://[::1]:{closed}/feed.ics",
        "ipv6-link-local": "http://[fe80::1]/feed.ics",
        "metadata": "http://169.254.169.254/latest/meta-data/",
    }
    redirects = {
        "redirect-loopback": f"http://127.0.0.1:{closed}/feed.ics",
        "redirect-localhost": f"http://localhost:{closed}/feed.ics",
        "redirect-decimal": f"http://2130706433:{closed}/feed.ics",
        "redirect-private": "http://10.0.0.1/feed.ics",
        "redirect-metadata": "http://169.254.169.254/latest/meta-data/",
        "redirect-ipv6": "http://[fe80::1]/feed.ics",
        "redirect-file": "file:///etc/passwd",
    }
    routes: dict[str, tuple[int, str, bytes, dict[str, str]]] = {
        "/robots.txt": (200, "text/plain", b"User-agent: *\nAllow: /\n", {}),
        **{
            f"/{name}": (302, "text/plain", b"", {"Location": to}) for name, to in redirects.items()
        },
    }
    seen: dict[str, str] = {}
    with static_server(routes) as site, tempfile.TemporaryDirectory() as home:
        port = site.rsplit(":", 1)[1]
        specs = {}
        for i, (name, url) in enumerate(
            {**targets, **{n: f"{site}/{n}" for n in redirects}}.items()
        ):
            specs[i + 1] = (
                name,
                SourceSpec(id=i + 1, institution_id=1, format=SourceFormat.ICS, url=url),
            )

        def sink(outcome: FetchOutcome) -> None:
            seen[specs[outcome.source_id][0]] = outcome.error or "NOT REFUSED"

        run_crawl(
            [spec for _, spec in specs.values()],
            settings=Settings(home=Path(home)),
            sink=sink,
            now=datetime.now(UTC),
            allowed_hosts=frozenset({f"127.0.0.1:{port}"}),
            options=CrawlOptions(),
        )
    for name, error in seen.items():
        # Scrapy does not follow a redirect to a non-http scheme at all: the hop ends as
        # the 302 it was, and nothing is fetched. Every other target must be refused.
        not_followed = name == "redirect-file" and error.endswith("HTTP 302")
        if "refused" not in error and not not_followed:
            failures.append(f"crawl {name}: {error}")
    for name, _ in specs.values():
        if name not in seen:
            failures.append(f"crawl {name}: no outcome")
    return seen


def run_ssrf(*, crawl: bool = True) -> dict[str, Any]:
    failures: list[str] = []
    tried = _check_targets(failures) + _rebinding(failures)
    outcomes = _crawl(failures) if crawl else {}
    return {
        "targets_checked": tried,
        "crawl_sources": len(outcomes),
        "crawl_outcomes": outcomes,
        "failures": failures,
        "errors": len(failures),
    }
