"""RSS 2.0 with an Atom self link: one item per event, newest change first.

Feed readers show an item's text and link, not its dates, so RSS is the
"what's new in the agenda" view: ``pubDate`` is when the event last
changed, and the guid (the event's UID, not a permalink) stays the same
across changes so readers update rather than duplicate the item.

ElementTree escapes the HTML description as text; characters XML 1.0
forbids (control characters a source let through) are dropped first, or a
strict parser would refuse the whole feed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.etree import ElementTree as ET

from pluriel.exporters.common import localised
from pluriel.exporters.types import ExportEvent

__all__ = ["ATOM", "to_rss"]

ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("atom", ATOM)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def to_rss(
    events: Sequence[ExportEvent],
    *,
    lang: str,
    title: str,
    url: str,
    self_url: str,
    description: str | None = None,
) -> bytes:
    """The feed as UTF-8 XML; ``url`` is the agenda page, ``self_url`` this feed."""
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    _child(channel, "title", title)
    _child(channel, "link", url)
    _child(channel, "description", description or title)
    if lang and lang != "und":
        _child(channel, "language", lang)
    ET.SubElement(
        channel,
        f"{{{ATOM}}}link",
        {"href": _clean(self_url), "rel": "self", "type": "application/rss+xml"},
    )
    ordered = sorted(events, key=lambda e: (e.updated, e.id), reverse=True)
    if ordered:
        _child(channel, "lastBuildDate", _rfc822(ordered[0].updated))
    _child(channel, "generator", "pluriel")
    for event in ordered:
        _item(channel, event, lang=lang)
    data: bytes = ET.tostring(rss, encoding="utf-8", xml_declaration=True)
    return data


def _item(channel: ET.Element, event: ExportEvent, *, lang: str) -> None:
    item = ET.SubElement(channel, "item")
    _child(item, "title", localised(event.title, lang)[0] or event.id)
    if event.url:
        _child(item, "link", event.url)
    description = localised(event.description, lang)[0]
    if description:
        _child(item, "description", description)
    for category_id, labels in event.categories:
        label = localised(labels, lang)[0] or category_id
        _child(item, "category", label)
    ET.SubElement(item, "guid", {"isPermaLink": "false"}).text = _clean(event.uid)
    _child(item, "pubDate", _rfc822(event.updated))


def _child(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = _clean(text)


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _rfc822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)
