"""Site spiders for institutions that publish only HTML: a listing, detail pages, a few hooks.

A site spider says where the listing's detail links are
(:meth:`SiteSpider.listing_entries`), where the next listing page is
(:meth:`SiteSpider.next_listing`) and how one detail page becomes a
:class:`~pluriel.model.SourceEvent` (:meth:`SiteSpider.parse_event`). The
base fetches, follows, counts and reports; a detail page that cannot be read
is one item error and the rest of the programme still comes through.

Dates on such sites are written for people ("samedi 1er novembre 2026 à
20h30", "Samstag, 14. November 2026", "19:30 Uhr"); the helpers below read
the French and German spellings of the region.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import ClassVar
from urllib.parse import urlsplit

from scrapy.http import Request, Response

from pluriel.crawlers.base import SourceSpider
from pluriel.errors import FeedError, ItemError
from pluriel.model import UNDETERMINED, ReadResult, SourceEvent, SourceFormat, fold
from pluriel.readers.common import ReadContext, zone

__all__ = [
    "ListingEntry",
    "SiteSpider",
    "french_date",
    "french_duration",
    "french_time",
    "german_date",
    "german_time",
    "local_datetime",
    "text_of",
]

_FRENCH_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "janvier",
            "fevrier",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "aout",
            "septembre",
            "octobre",
            "novembre",
            "decembre",
        ),
        start=1,
    )
}
_GERMAN_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "januar",
            "februar",
            "marz",
            "april",
            "mai",
            "juni",
            "juli",
            "august",
            "september",
            "oktober",
            "november",
            "dezember",
        ),
        start=1,
    )
} | {"maerz": 3, "jaenner": 1, "janner": 1, "sept": 9}

_FRENCH_DATE = re.compile(r"\b(\d{1,2})(?:er)?\s+([a-z]+)\.?\s+(\d{4})\b")
_FRENCH_TIME = re.compile(r"\b(\d{1,2})\s*h\s*(\d{2})?\b")
_GERMAN_DATE = re.compile(r"\b(\d{1,2})\.\s*([a-z]+)\.?\s+(\d{4})\b")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_GERMAN_TIME = re.compile(r"\b(\d{1,2})[:.](\d{2})\b|\b(\d{1,2})\s*uhr\b")


def _make_date(year: str, month: int, day: str, text: str) -> date:
    try:
        return date(int(year), month, int(day))
    except ValueError:
        raise ValueError(f"no such date: {text!r}") from None


def french_date(text: str) -> date:
    """The date in "samedi 14 novembre 2026", "1er mars 2027", "14 fév. 2027"."""
    folded = fold(text)
    for match in _FRENCH_DATE.finditer(folded):
        word = match.group(2)
        month = _FRENCH_MONTHS.get(word) or next(
            (n for name, n in _FRENCH_MONTHS.items() if len(word) >= 3 and name.startswith(word)),
            None,
        )
        if month is not None:
            return _make_date(match.group(3), month, match.group(1), text)
    raise ValueError(f"no French date in {text!r}")


def french_time(text: str) -> time | None:
    """The clock time in "… à 20h30", "20 h", "à 16h" (the first one), if any."""
    match = _FRENCH_TIME.search(fold(text).split(" a ", 1)[-1])
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"no such time: {text!r}")
    return time(hour, minute)


def french_duration(text: str) -> timedelta | None:
    """A duration written "1h30", "2h", "90 min" or "1 h 15", if the text has one."""
    folded = fold(text)
    hours = re.search(r"(\d{1,2})\s*h\s*(\d{1,2})?", folded)
    if hours:
        return timedelta(hours=int(hours.group(1)), minutes=int(hours.group(2) or 0))
    minutes = re.search(r"(\d{1,3})\s*min", folded)
    return timedelta(minutes=int(minutes.group(1))) if minutes else None


def german_date(text: str) -> date:
    """The date in "Samstag, 14. November 2026", "Sa., 14.11.2026" or "3. März 2027"."""
    folded = fold(text)
    numeric = _NUMERIC_DATE.search(folded)
    if numeric:
        return _make_date(numeric.group(3), int(numeric.group(2)), numeric.group(1), text)
    for match in _GERMAN_DATE.finditer(folded):
        word = match.group(2)
        month = _GERMAN_MONTHS.get(word) or next(
            (n for name, n in _GERMAN_MONTHS.items() if len(word) >= 3 and name.startswith(word)),
            None,
        )
        if month is not None:
            if not 1 <= month <= 12:
                break
            return _make_date(match.group(3), month, match.group(1), text)
    raise ValueError(f"no German date in {text!r}")


def german_time(text: str) -> time | None:
    """The clock time in "19:30 Uhr", "19.30 Uhr" or "20 Uhr"; ``None`` for "ganztägig"."""
    match = _GERMAN_TIME.search(fold(text))
    if match is None:
        return None
    hour = int(match.group(1) or match.group(3))
    minute = int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"no such time: {text!r}")
    return time(hour, minute)


def local_datetime(day: date, clock: time | None, timezone: str) -> datetime:
    """An aware local datetime (midnight when there is no clock time)."""
    return datetime.combine(day, clock or time(0), tzinfo=zone(timezone))


def text_of(response: Response, css: str) -> str:
    """The whitespace-folded text of the first element matching ``css``, or ``""``."""
    parts = response.css(css).xpath("string()").getall()
    return " ".join(parts[0].split()) if parts else ""


@dataclass(frozen=True, slots=True)
class ListingEntry:
    """A detail link from the listing, with what the listing alone says about it."""

    url: str
    hints: Mapping[str, str] = field(default_factory=dict)


class SiteSpider(SourceSpider):
    """Base of the spiders for one named site; subclasses fill in three hooks."""

    format = SourceFormat.SITE
    #: The site's language and zone when the source does not declare them.
    site_lang: ClassVar[str] = UNDETERMINED
    site_timezone: ClassVar[str] = "Europe/Luxembourg"

    # -- hooks ---------------------------------------------------------------------------

    def listing_entries(self, response: Response) -> Iterable[ListingEntry]:
        raise NotImplementedError(f"{type(self).__name__}.listing_entries is not written yet")

    def next_listing(self, response: Response) -> str | None:
        return None

    def parse_event(self, response: Response) -> SourceEvent:
        raise NotImplementedError(f"{type(self).__name__}.parse_event is not written yet")

    # -- what the hooks use ------------------------------------------------------------------

    @property
    def lang(self) -> str:
        return self.spec.lang if self.spec.lang != UNDETERMINED else self.site_lang

    @property
    def timezone(self) -> str:
        """The source's zone: the site's own unless the source was registered with another."""
        return self.site_timezone

    def context(self, url: str) -> ReadContext:
        return ReadContext(
            now=self.job.now,
            lang=self.lang,
            timezone=self.timezone,
            url=url,
            horizon=self.job.horizon,
        )

    @staticmethod
    def external_id(response: Response) -> str:
        """The page's path: stable when the site moves host or port, unique within the site."""
        parts = urlsplit(response.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @staticmethod
    def hints(response: Response) -> Mapping[str, str]:
        hints: Mapping[str, str] = response.meta.get("pluriel_hints") or {}
        return hints

    # -- plumbing ----------------------------------------------------------------------------

    def parse_page(self, response: Response) -> Iterator[Request | None]:
        self.add(ReadResult())
        for entry in self.listing_entries(response):
            url = response.urljoin(entry.url)
            if urlsplit(url).hostname == urlsplit(response.url).hostname:
                yield self.request(url, kind="detail", meta={"pluriel_hints": dict(entry.hints)})
        following = self.next_listing(response)
        yield self.next_page(response.urljoin(following) if following else None, response)

    def parse_detail(self, response: Response) -> Iterable[Request | None]:
        try:
            event = self.parse_event(response)
        except (ItemError, ValueError, FeedError) as exc:
            self.item_failed(f"{response.url}: {exc}", external_id=self.external_id(response))
        else:
            self.add(ReadResult(events=(event,)), primary=False)
        return ()
