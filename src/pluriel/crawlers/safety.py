"""Which hosts a crawl may reach: public http(s) only, unless the operator says otherwise.

A feed URL is typed in by whoever registers a source, so it is untrusted: it
could point at the crawler's own loopback, the office network or a cloud
metadata endpoint. :func:`check_target` resolves the host (every A and AAAA
record) and refuses the URL when any address is not public; the downloader
middleware calls it before every request, so each redirect hop is checked
again; and :class:`~pluriel.crawlers.middlewares.SafeResolver` applies
:func:`check_resolved` to the address the download really connects to, so a
name that changes its answer in between (DNS rebinding) is refused as well.
Numeric spellings that resolvers accept (``http://2130706433/``,
``http://0x7f.1/``, ``http://0177.0.0.1/``) are read as the address they mean.

Cloud metadata addresses are refused even when private networks are allowed:
no agenda lives there, and credentials do.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from pluriel.errors import FeedFetchError, FeedRefusedError

__all__ = [
    "ALLOW_HINT",
    "allowed_names",
    "check_resolved",
    "check_target",
    "host_allowed",
    "numeric_ipv4",
    "resolve",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], Sequence[str]]

ALLOW_HINT = "set PLURIEL_ALLOW_PRIVATE_NETWORKS=1 to crawl private networks"

_METADATA = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack
        ipaddress.ip_address("169.254.170.2"),  # AWS ECS task metadata
        ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
        ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
    }
)
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT, RFC 6598


def resolve(host: str) -> list[str]:
    """Every address ``host`` resolves to (A and AAAA), as the system resolver answers."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise FeedFetchError(f"cannot resolve host {host!r}: {exc}") from None
    return list(dict.fromkeys(str(info[4][0]).split("%", 1)[0] for info in infos))


def numeric_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The address a legacy numeric spelling means (``2130706433``, ``0x7f.1``), if it is one.

    ``inet_aton`` is what C resolvers use, so it accepts exactly the decimal,
    octal and hexadecimal one-to-four-part forms that an HTTP client would
    connect to.
    """
    if not host or not all(ch in "0123456789abcdefxABCDEFX." for ch in host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return numeric_ipv4(host)


def _kind(ip: IPAddress) -> str | None:
    """What makes ``ip`` unreachable for a public crawler, or ``None`` when it is public."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return _kind(ip.ipv4_mapped)
    if ip in _METADATA:
        return "cloud-metadata"
    checks = (
        (ip.is_unspecified, "unspecified"),
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED, "shared (carrier-grade NAT)"),
        (ip.is_reserved, "reserved"),
        (ip.is_private, "private"),
        (not ip.is_global, "non-public"),
    )
    return next((label for flagged, label in checks if flagged), None)


def host_allowed(url: str, allowed_hosts: frozenset[str]) -> bool:
    """Whether the URL's host (or ``host:port``) is on the operator's allow-list."""
    if not allowed_hosts:
        return False
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        return False
    return host in allowed_hosts or (port is not None and f"{host}:{port}" in allowed_hosts)


def check_target(
    url: str,
    *,
    allow_private: bool,
    allowed_hosts: frozenset[str] = frozenset(),
    resolver: Resolver = resolve,
) -> None:
    """Raise :class:`FeedRefusedError` unless ``url`` is http(s) to a public address.

    ``allowed_hosts`` names hosts (``"127.0.0.1"``, ``"localhost:8000"``) let
    through whatever they resolve to, so a demo can reach its own fixture
    site without opening every private network.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- a malformed port raises here, not later in the downloader
    except ValueError as exc:
        raise FeedRefusedError(f"refused: {url!r} is not a valid URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise FeedRefusedError(f"refused: {url}: only http and https URLs are crawled")
    host = parts.hostname
    if not host:
        raise FeedRefusedError(f"refused: {url}: the URL has no host")
    literal = _literal(host)
    if literal is not None and literal in _METADATA:
        raise FeedRefusedError(f"refused: {literal} is a cloud-metadata address ({url})")
    if host_allowed(url, allowed_hosts):
        return
    addresses = [literal] if literal is not None else [_literal(a) for a in resolver(host)]
    for ip in addresses:
        if ip is None:
            continue
        kind = _kind(ip)
        if kind is None:
            continue
        if kind == "cloud-metadata":
            raise FeedRefusedError(f"refused: {host} resolves to {ip}, a cloud-metadata address")
        if allow_private:
            continue
        where = f"{ip} is" if literal is not None else f"{host} resolves to {ip}, which is"
        article = "an" if kind[0] in "aeiou" else "a"
        raise FeedRefusedError(f"refused: {where} {article} {kind} address ({url}); {ALLOW_HINT}")


def allowed_names(allowed_hosts: frozenset[str]) -> frozenset[str]:
    """The host names of an allow-list whose entries may carry a port (``localhost:8000``)."""
    names = set()
    for entry in allowed_hosts:
        try:
            host = urlsplit(f"//{entry}").hostname
        except ValueError:
            continue
        if host:
            names.add(host.lower())
    return frozenset(names)


def check_resolved(
    host: str, address: str, *, allow_private: bool, allowed_hosts: frozenset[str]
) -> None:
    """Refuse ``address`` as the answer for ``host`` unless it is public (or allowed).

    The connection-time twin of :func:`check_target`: a name that resolved
    to a public address when the request was checked may resolve to a
    private one a moment later (DNS rebinding); this checks the address the
    socket will actually use.
    """
    allowed = host.lower() in allowed_names(allowed_hosts)
    label = f"[{host}]" if ":" in host else host
    check_target(
        f"http://{label}/", allow_private=allow_private or allowed, resolver=lambda _: [address]
    )
