"""check_target: which URLs a crawl may fetch, decided before any byte is sent."""

from __future__ import annotations

import pytest
from scrapy.utils.misc import load_object
from twisted.internet.error import DNSLookupError

from pluriel.crawlers import CrawlOptions, check_target
from pluriel.crawlers.middlewares import SafeResolver, refused_at_connect
from pluriel.crawlers.safety import check_resolved, numeric_ipv4
from pluriel.crawlers.settings import scrapy_settings
from pluriel.errors import FeedFetchError, FeedRefusedError
from pluriel.settings import Settings

HINT = "set PLURIEL_ALLOW_PRIVATE_NETWORKS=1 to crawl private networks"


def public(_: str) -> list[str]:
    """A resolver for names that stand for public hosts in these tests (no network here)."""
    return ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://127.0.0.1/feed.ics",
            f"refused: 127.0.0.1 is a loopback address (http://127.0.0.1/feed.ics); {HINT}",
        ),
        (
            "http://2130706433/",
            f"refused: 127.0.0.1 is a loopback address (http://2130706433/); {HINT}",
        ),
        ("http://0x7f.1/", f"refused: 127.0.0.1 is a loopback address (http://0x7f.1/); {HINT}"),
        (
            "http://0177.0.0.1/",
            f"refused: 127.0.0.1 is a loopback address (http://0177.0.0.1/); {HINT}",
        ),
        ("http://[::1]:8080/", f"refused: ::1 is a loopback address (http://[::1]:8080/); {HINT}"),
        ("http://10.1.2.3/", f"refused: 10.1.2.3 is a private address (http://10.1.2.3/); {HINT}"),
        (
            "http://192.168.0.10/",
            f"refused: 192.168.0.10 is a private address (http://192.168.0.10/); {HINT}",
        ),
        (
            "http://172.16.5.4/",
            f"refused: 172.16.5.4 is a private address (http://172.16.5.4/); {HINT}",
        ),
        (
            "http://169.254.10.1/",
            f"refused: 169.254.10.1 is a link-local address (http://169.254.10.1/); {HINT}",
        ),
        (
            "http://[fe80::1]/",
            f"refused: fe80::1 is a link-local address (http://[fe80::1]/); {HINT}",
        ),
        ("http://[fc00::7]/", f"refused: fc00::7 is a private address (http://[fc00::7]/); {HINT}"),
        (
            "http://0.0.0.0/",
            f"refused: 0.0.0.0 is an unspecified address (http://0.0.0.0/); {HINT}",
        ),
        ("http://[::]/", f"refused: :: is an unspecified address (http://[::]/); {HINT}"),
        (
            "http://224.0.0.1/",
            f"refused: 224.0.0.1 is a multicast address (http://224.0.0.1/); {HINT}",
        ),
        (
            "http://240.0.0.1/",
            f"refused: 240.0.0.1 is a reserved address (http://240.0.0.1/); {HINT}",
        ),
        (
            "http://100.64.1.1/",
            "refused: 100.64.1.1 is a shared (carrier-grade NAT) address"
            f" (http://100.64.1.1/); {HINT}",
        ),
        (
            "http://[::ffff:127.0.0.1]/",
            f"refused: ::ffff:7f00:1 is a loopback address (http://[::ffff:127.0.0.1]/); {HINT}",
        ),
    ],
)
def test_non_public_addresses_are_refused(url: str, message: str) -> None:
    with pytest.raises(FeedRefusedError) as caught:
        check_target(url, allow_private=False, resolver=public)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://169.254.169.254/latest/meta-data/",
            "refused: 169.254.169.254 is a cloud-metadata address (http://169.254.169.254/latest/meta-data/)",
        ),
        (
            "http://[fd00:ec2::254]/",
            "refused: fd00:ec2::254 is a cloud-metadata address (http://[fd00:ec2::254]/)",
        ),
    ],
)
def test_cloud_metadata_is_refused_even_when_private_networks_are_allowed(
    url: str, message: str
) -> None:
    with pytest.raises(FeedRefusedError) as caught:
        check_target(url, allow_private=True, allowed_hosts=frozenset({"169.254.169.254"}))
    assert str(caught.value) == message


def test_a_name_is_checked_against_every_address_it_resolves_to() -> None:
    def split_horizon(_: str) -> list[str]:
        return ["93.184.216.34", "10.0.0.5"]

    with pytest.raises(FeedRefusedError) as caught:
        check_target("https://agenda.example.lu/feed", allow_private=False, resolver=split_horizon)
    assert str(caught.value) == (
        "refused: agenda.example.lu resolves to 10.0.0.5, which is a private address"
        f" (https://agenda.example.lu/feed); {HINT}"
    )


def test_localhost_is_resolved_then_refused() -> None:
    with pytest.raises(FeedRefusedError) as caught:
        check_target("http://localhost:8000/", allow_private=False)
    assert str(caught.value).startswith("refused: localhost resolves to ")
    assert "is a loopback address (http://localhost:8000/)" in str(caught.value)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "refused: file:///etc/passwd: only http and https URLs are crawled"),
        (
            "ftp://ftp.example.org/a.ics",
            "refused: ftp://ftp.example.org/a.ics: only http and https URLs are crawled",
        ),
        (
            "javascript:alert(1)",
            "refused: javascript:alert(1): only http and https URLs are crawled",
        ),
        ("http:///feed", "refused: http:///feed: the URL has no host"),
        (
            "http://example.org:99999/",
            "refused: 'http://example.org:99999/' is not a valid URL: Port out of range 0-65535",
        ),
    ],
)
def test_only_http_urls_with_a_host(url: str, message: str) -> None:
    with pytest.raises(FeedRefusedError) as caught:
        check_target(url, allow_private=True, resolver=public)
    assert str(caught.value) == message


def test_public_hosts_and_allowed_private_networks_pass() -> None:
    assert (
        check_target("https://agenda.example.lu/feed.ics", allow_private=False, resolver=public)
        is None
    )
    assert check_target("http://93.184.216.34/", allow_private=False) is None
    assert check_target("http://127.0.0.1:8000/", allow_private=True) is None
    assert check_target("http://[fe80::1]/", allow_private=True) is None


def test_the_allow_list_names_hosts_not_networks() -> None:
    allowed = frozenset({"127.0.0.1", "localhost:8000"})
    assert (
        check_target("http://127.0.0.1:9/feed", allow_private=False, allowed_hosts=allowed) is None
    )
    assert (
        check_target("http://localhost:8000/", allow_private=False, allowed_hosts=allowed) is None
    )
    with pytest.raises(FeedRefusedError):
        check_target("http://localhost:8001/", allow_private=False, allowed_hosts=allowed)
    with pytest.raises(FeedRefusedError):
        check_target("http://127.0.0.2/", allow_private=False, allowed_hosts=allowed)


def test_an_unresolvable_host_is_a_fetch_error() -> None:
    def nxdomain(host: str) -> list[str]:
        raise FeedFetchError(f"cannot resolve host {host!r}: Name or service not known")

    with pytest.raises(FeedFetchError) as caught:
        check_target("https://nowhere.invalid/", allow_private=False, resolver=nxdomain)
    assert str(caught.value) == "cannot resolve host 'nowhere.invalid': Name or service not known"


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0177.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("deaf.cafe", None),
        ("example.org", None),
    ],
)
def test_numeric_spellings(host: str, address: str | None) -> None:
    parsed = numeric_ipv4(host)
    assert (str(parsed) if parsed else None) == address


def test_the_address_a_download_connects_to_is_checked_too() -> None:
    """DNS rebinding: the name was public when the request was checked, private at connect time."""
    with pytest.raises(FeedRefusedError) as caught:
        check_resolved(
            "agenda.example.lu", "10.0.0.5", allow_private=False, allowed_hosts=frozenset()
        )
    assert str(caught.value) == (
        "refused: agenda.example.lu resolves to 10.0.0.5, which is a private address"
        f" (http://agenda.example.lu/); {HINT}"
    )
    assert (
        check_resolved(
            "agenda.example.lu", "93.184.216.34", allow_private=False, allowed_hosts=frozenset()
        )
        is None
    )
    assert (
        check_resolved(
            "localhost",
            "127.0.0.1",
            allow_private=False,
            allowed_hosts=frozenset({"localhost:8000"}),
        )
        is None
    )
    assert (
        check_resolved("127.0.0.1", "127.0.0.1", allow_private=True, allowed_hosts=frozenset())
        is None
    )


def test_scrapy_resolves_names_through_the_check() -> None:
    settings = scrapy_settings(
        Settings(), CrawlOptions(allowed_hosts=frozenset({"127.0.0.1:8000"}))
    )
    assert load_object(settings["TWISTED_DNS_RESOLVER"]) is SafeResolver
    resolver = SafeResolver(
        None,
        0,
        5.0,
        allow_private=False,
        allowed_hosts=frozenset(settings["PLURIEL_ALLOWED_HOSTS"]),
    )
    assert resolver._checked("127.0.0.1", "127.0.0.1") == "127.0.0.1"
    with pytest.raises(DNSLookupError):
        resolver._checked("192.168.1.20", "agenda.example.lu")
    # The download then fails as "no address"; the crawl reports it as the refusal it was.
    assert refused_at_connect("agenda.example.lu") == (
        "refused: agenda.example.lu resolves to 192.168.1.20, which is a private address"
        f" (http://agenda.example.lu/); {HINT}"
    )
    assert refused_at_connect("other.example.lu") is None
