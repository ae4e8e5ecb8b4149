"""What every feed format agrees on: a date's status, its original start, plain text.

Keeping these in one place is what makes the ICS, JSON-LD and RSS views of
one event tell the same story (the same date cancelled, the same date moved).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo
from html.parser import HTMLParser
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pluriel.exporters.types import ExportEvent, ExportOccurrence
from pluriel.model import UNDETERMINED, EventStatus, I18nText

__all__ = [
    "effective_status",
    "html_to_text",
    "localised",
    "original_start",
    "place_line",
    "zone",
]


_UTC_NAMES = frozenset({"UTC", "Z", "ETC/UTC", "GMT", "ETC/GMT", "UNIVERSAL", "ZULU"})


def zone(name: str | None) -> tzinfo:
    """The zone called ``name``; UTC for a name zoneinfo does not know."""
    if not name or name.strip().upper() in _UTC_NAMES:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def localised(text: I18nText, lang: str) -> tuple[str | None, str | None]:
    """The text for ``lang`` (fallback order applied) and the language it is really in.

    The language is ``None`` when undetermined, so that no format claims a
    language it does not know.
    """
    value = text.get(lang)
    used = text.lang_of(lang)
    return value, (None if used in (None, UNDETERMINED) else used)


def effective_status(event: ExportEvent, occurrence: ExportOccurrence) -> EventStatus:
    """A date's own status when it has one, else the event's.

    A cancelled event cancels every date, even one that was moved before.
    """
    if occurrence.status is not EventStatus.SCHEDULED and event.status is not EventStatus.CANCELLED:
        return occurrence.status
    return event.status


def original_start(occurrence: ExportOccurrence) -> datetime | date:
    """Where a date sat in its series before it was moved.

    An aware datetime, or a date for all-day series; the recurrence id wins,
    then ``previous_start``, then the start itself. A malformed recurrence id
    is ignored rather than trusted.
    """
    rid = (occurrence.recurrence_id or "").strip()
    if rid:
        try:
            if len(rid) == 10:
                return date.fromisoformat(rid)
            parsed = datetime.fromisoformat(rid.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed
    base = occurrence.previous_start or occurrence.start
    if occurrence.all_day:
        return base.astimezone(zone(occurrence.timezone)).date()
    return base


def place_line(parts: list[str | None]) -> str:
    """Non-empty parts joined by commas: "Rotondes, Rue de la Rotonde, 2448 Luxembourg"."""
    return ", ".join(part.strip() for part in parts if part and part.strip())


# --------------------------------------------------------------------- HTML -> text

_BLOCKS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "blockquote",
        "pre",
        "ul",
        "ol",
        "dl",
        "table",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "figure",
        "figcaption",
        "hr",
    }
)
_SKIPPED = frozenset({"script", "style", "template", "head"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_PARAGRAPH_BREAK = "\x00"  # placeholder: a paragraph break survives space folding


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._skip = 0
        self._links: list[str | None] = []
        self._link_text: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip += 1
        elif tag == "br":
            self.out.append("\n")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag in _BLOCKS:
            self.out.append(_PARAGRAPH_BREAK)
        elif tag == "a":
            self._links.append(dict(attrs).get("href"))
            self._link_text.append(len(self.out))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self.out.append(_PARAGRAPH_BREAK)
        elif tag == "a" and self._links:
            href = self._links.pop()
            shown = "".join(self.out[self._link_text.pop() :]).strip()
            # A link whose text is not its address keeps the address, or
            # plain-text readers lose where it pointed.
            if href and href.startswith(("http://", "https://")) and href != shown:
                self.out.append(f" ({href})" if shown else href)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.out.append(data.replace("\n", " "))


def html_to_text(value: str | None) -> str:
    """Readable plain text of sanitised HTML: paragraphs kept, tags gone, links spelt out."""
    if not value:
        return ""
    collector = _TextCollector()
    collector.feed(value)
    collector.close()
    text = "".join(collector.out)
    paragraphs = []
    for block in text.split(_PARAGRAPH_BREAK):
        lines = [_SPACES.sub(" ", line).strip() for line in block.split("\n")]
        joined = "\n".join(lines).strip("\n")
        if joined.strip():
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)
