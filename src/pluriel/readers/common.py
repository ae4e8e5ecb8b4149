"""Helpers every reader needs: context, URL filtering, markup stripping, decoding."""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import nh3

from pluriel.settings import Horizon

__all__ = [
    "ReadContext",
    "absolute_url",
    "country_code",
    "decode_text",
    "html_description",
    "parse_bool",
    "parse_when",
    "safe_http_url",
    "same_site",
    "stable_id",
    "strip_markup",
    "text_to_html",
    "zone",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadContext:
    """What a reader knows besides the bytes: the source's defaults and the clock."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    lang: str = "und"  # the source's declared language, for text without its own
    timezone: str = "Europe/Luxembourg"  # for floating and offset-less times
    url: str | None = None  # where the document came from (to resolve relative links)
    horizon: Horizon = field(default_factory=Horizon)


def zone(name: str | None, default: str = "UTC") -> ZoneInfo:
    """A ZoneInfo for ``name``, or ``default`` when the name is unknown."""
    for candidate in (name, default, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def safe_http_url(value: object) -> str | None:
    """The URL when it is absolute http(s) with a host; ``None`` for anything else.

    ``javascript:``, ``data:``, relative and host-less URLs never pass.
    """
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or any(ch in url for ch in "\x00\r\n\t "):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return url


_SPACE = re.compile(r"[ \t\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def strip_markup(value: str | None) -> str:
    """Plain text for titles and names: tags removed, entities decoded, space folded."""
    if not value:
        return ""
    text = html.unescape(nh3.clean(value, tags=set(), strip_comments=True))
    if "<" in text:
        # Entity-encoded markup ("&lt;script&gt;") is markup once decoded: strip it too.
        text = html.unescape(nh3.clean(text, tags=set(), strip_comments=True))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACE.sub(" ", text)
    text = _BLANK_LINES.sub("\n\n", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def text_to_html(value: str) -> str:
    """Plain text as safe HTML paragraphs (newlines kept as <br>)."""
    paragraphs = [p.strip() for p in value.replace("\r\n", "\n").split("\n\n")]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs if p)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Latin-1 (cp1252), never an exception."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


# --- Structured-data readers (jsonld, tribe, rss, rpde, activitystreams) -------------
# Kept in one block: dates, links and descriptions as every JSON/XML reader needs them.

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HTML_SIGN = re.compile(r"<[a-zA-Z/!][^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")

_COUNTRIES: dict[str, str] = {
    "luxembourg": "LU",
    "luxemburg": "LU",
    "letzebuerg": "LU",
    "lëtzebuerg": "LU",
    "grand-duche de luxembourg": "LU",
    "france": "FR",
    "frankreich": "FR",
    "frankräich": "FR",
    "germany": "DE",
    "deutschland": "DE",
    "allemagne": "DE",
    "däitschland": "DE",
    "belgium": "BE",
    "belgique": "BE",
    "belgien": "BE",
    "belgië": "BE",
    "netherlands": "NL",
    "nederland": "NL",
    "pays-bas": "NL",
    "niederlande": "NL",
    "switzerland": "CH",
    "suisse": "CH",
    "schweiz": "CH",
    "united kingdom": "GB",
    "uk": "GB",
    "united states": "US",
    "usa": "US",
}


def parse_when(value: object, tz: ZoneInfo) -> tuple[datetime, bool]:
    """An aware datetime and whether the value was a bare date (an all-day start).

    Offset-less times are read in ``tz`` (the source's zone); a bare date becomes
    local midnight. Raises ``ValueError`` naming the value when it is no ISO 8601
    date.
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"missing or non-text date {value!r}")
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"unreadable date {text!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed, bool(_DATE_ONLY.match(text))


def html_description(value: str | None) -> str:
    """A description as HTML: markup kept as written, plain text wrapped in paragraphs."""
    if not value or not value.strip():
        return ""
    text = value.strip()
    return text if _HTML_SIGN.search(text) else text_to_html(text)


def absolute_url(value: object, base: str | None) -> str | None:
    """``value`` resolved against ``base``, when the result is a safe http(s) URL."""
    if not isinstance(value, str) or not value.strip():
        return None
    href = value.strip()
    if base:
        try:
            href = urljoin(base, href)
        except ValueError:
            return None
    return safe_http_url(href)


def same_site(url: str, base: str | None) -> bool:
    """Whether ``url`` is on the host of ``base`` (``www.`` ignored); no base, no site."""
    if not base:
        return False
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return bool(host) and host == (urlsplit(base).hostname or "").removeprefix("www.")


def country_code(value: object) -> str | None:
    """ISO 3166-1 alpha-2 for a code or a country name of the region, else ``None``."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if len(text) == 2 and text.isalpha():
        return "GB" if text.upper() == "UK" else text.upper()
    return _COUNTRIES.get(text.lower())


def stable_id(*parts: str) -> str:
    """A short digest of ``parts``: an external id for items that carry none."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"sha256:{digest[:32]}"


def parse_bool(value: object) -> bool | None:
    """``True``/``False`` from a JSON boolean or its usual spellings; ``None`` otherwise."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower().rsplit("/", 1)[-1]
        if word in {"true", "yes", "1", "on", "oui", "ja"}:
            return True
        if word in {"false", "no", "0", "off", "non", "nein"}:
            return False
    if isinstance(value, int):
        return bool(value)
    return None
