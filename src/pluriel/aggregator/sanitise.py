"""HTML sanitising on the way in: descriptions keep simple formatting, nothing active."""

from __future__ import annotations

import nh3

from pluriel.readers.common import safe_http_url, strip_markup

__all__ = ["clean_html", "clean_text", "clean_url", "html_to_text"]

_TAGS = {
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
_ATTRIBUTES = {"a": {"href", "title", "hreflang", "lang"}, "span": {"lang"}, "p": {"lang"}}


def clean_html(value: str) -> str:
    """Sanitised HTML: allowed tags only, http(s)/mailto links with rel=noopener."""
    cleaned = nh3.clean(
        value,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return cleaned.strip()


def clean_text(value: str | None) -> str:
    """Plain text for titles and names (markup stripped, entities decoded)."""
    return strip_markup(value)


def html_to_text(value: str) -> str:
    """Text content of sanitised HTML, for search and for plain-text outputs."""
    return strip_markup(value.replace("<br>", "\n").replace("</p>", "</p>\n\n"))


def clean_url(value: str | None) -> str | None:
    return safe_http_url(value)
