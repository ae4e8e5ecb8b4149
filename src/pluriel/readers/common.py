"""Helpers every reader needs: context, URL filtering, markup stripping, decoding."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import nh3

from pluriel.settings import Horizon

__all__ = [
    "ReadContext",
    "decode_text",
    "safe_http_url",
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
    without_tags = nh3.clean(value, tags=set(), strip_comments=True)
    text = html.unescape(without_tags).replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACE.sub(" ", text)
    text = _BLANK_LINES.sub("\n\n", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def text_to_html(value: str) -> str:
    """Plain text as safe HTML paragraphs (newlines kept as <br>)."""
    paragraphs = [p.strip() for p in value.replace("\r\n", "\n").split("\n\n")]
    return "".join(
        "<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs if p
    )


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
