"""RSS 2.0, RSS 1.0 and Atom listings whose items point to event pages.

A news-style feed item says when it was *published*, not when the event
happens, so by default an item yields no event: its link goes to
``meta.follow`` and the spider reads the detail page's structured data with
:func:`~pluriel.readers.jsonld.read_jsonld`.

An item that carries the event's own dates, in the RSS 1.0 event module
(``ev:startdate``), an xCal namespace (``xcal:dtstart``) or any other
namespaced ``startdate``/``dtstart`` element, *is* the event: it becomes a
:class:`~pluriel.model.SourceEvent` keyed on its ``guid`` (else its link) and
its link is not followed, so the same event is not read twice.

Atom ``<link rel="next">`` (RFC 5005 paging), at feed or channel level,
becomes ``meta.next_url``. XML entities are never expanded and no DTD is
fetched.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from pluriel.errors import FeedFormatError, ItemError
from pluriel.model import (
    FeedMeta,
    I18nText,
    Location,
    Occurrence,
    ReadResult,
    SourceEvent,
    SourceItemError,
    normalise_lang,
)
from pluriel.readers.common import (
    ReadContext,
    absolute_url,
    html_description,
    parse_when,
    same_site,
    stable_id,
    strip_markup,
    zone,
)

__all__ = ["read_rss"]

ATOM = "http://www.w3.org/2005/Atom"
RSS1 = "http://purl.org/rss/1.0/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CORE = {None, "", ATOM, RSS1, RDF, CONTENT, DC}
_START = {"startdate", "dtstart", "start_date", "startdatetime", "start"}
_END = {"enddate", "dtend", "end_date", "enddatetime", "end"}
_PLACE = {"location", "venue", "place"}


def _parser() -> Any:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
    )


def read_rss(data: bytes, ctx: ReadContext) -> ReadResult:
    """Detail-page links of one feed page, and the items that are events themselves."""
    where = ctx.url or "document"
    try:
        root = etree.fromstring(data.strip(), parser=_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise FeedFormatError(f"{where}: not XML: {exc}") from None
    if root is None:
        raise FeedFormatError(f"{where}: empty document")
    name = etree.QName(root)
    if name.localname == "rss":
        channel = root.find("channel")
        if channel is None:
            raise FeedFormatError(f"{where}: RSS without a <channel>")
        items, head = channel.findall("item"), channel
    elif name.localname == "feed" and name.namespace == ATOM:
        items, head = root.findall(f"{{{ATOM}}}entry"), root
    elif name.localname == "RDF":
        items, head = root.findall(f"{{{RSS1}}}item"), root.find(f"{{{RSS1}}}channel")
    else:
        raise FeedFormatError(f"{where}: <{name.localname}> is neither RSS nor Atom")
    lang = _feed_lang(root, head, ctx)
    events: list[SourceEvent] = []
    errors: list[SourceItemError] = []
    follow: list[str] = []
    for number, item in enumerate(items, start=1):
        link = _item_link(item, ctx.url)
        try:
            event = _event(item, link, lang, ctx)
        except ItemError as exc:
            name = _child_text(item, "title") or link
            label = repr(name) if name else f"#{number}"
            errors.append(
                SourceItemError(message=f"item {label}: {exc}", external_id=exc.external_id)
            )
            continue
        if event is not None:
            events.append(event)
        elif link and same_site(link, ctx.url) and link != ctx.url and link not in follow:
            follow.append(link)
    meta = FeedMeta(
        name=I18nText.single(_child_text(head, "title"), lang) if head is not None else I18nText(),
        refresh_interval=_ttl(head),
        next_url=_next(root, head, ctx.url),
        follow=tuple(follow),
    )
    return ReadResult(events=tuple(events), errors=tuple(errors), meta=meta)


def _child_text(node: Any, local: str) -> str | None:
    if node is None:
        return None
    for child in node:
        if not isinstance(child.tag, str):
            continue
        qname = etree.QName(child)
        if qname.localname == local and qname.namespace in (None, ATOM, RSS1):
            text = "".join(child.itertext()).strip()
            return text or None
    return None


def _feed_lang(root: Any, head: Any, ctx: ReadContext) -> str:
    declared = root.get(_XML_LANG) or _child_text(head, "language")
    if not declared and head is not None:
        found = head.find(f"{{{DC}}}language")
        declared = (found.text or "").strip() if found is not None else None
    return normalise_lang(declared) if declared else ctx.lang


def _item_link(item: Any, base: str | None) -> str | None:
    for child in item:
        if not isinstance(child.tag, str) or etree.QName(child).localname != "link":
            continue
        if etree.QName(child).namespace == ATOM:
            if child.get("rel", "alternate") == "alternate":
                return absolute_url(child.get("href"), base)
        elif etree.QName(child).namespace in (None, RSS1):
            return absolute_url((child.text or "").strip(), base)
    guid = item.find("guid")
    if guid is not None and guid.get("isPermaLink", "true") == "true":
        return absolute_url((guid.text or "").strip(), base)
    return None


def _dates(item: Any) -> tuple[str | None, str | None, str | None]:
    """The item's own start, end and place, from any event-ish namespace."""
    start = end = place = None
    for child in item:
        if not isinstance(child.tag, str):
            continue
        qname = etree.QName(child)
        if qname.namespace in _CORE:
            continue
        local = qname.localname.lower()
        value = " ".join("".join(child.itertext()).split()) or None
        if local in _START and start is None:
            start = value
        elif local in _END and end is None:
            end = value
        elif local in _PLACE and place is None:
            place = value
    return start, end, place


def _event(item: Any, link: str | None, lang: str, ctx: ReadContext) -> SourceEvent | None:
    raw_start, raw_end, place = _dates(item)
    if raw_start is None:
        return None
    guid = _child_text(item, "guid") or _child_text(item, "id") or item.get(f"{{{RDF}}}about")
    title = strip_markup(_child_text(item, "title"))
    external_id = guid or link or stable_id(title, raw_start, ctx.url or "")
    if not title:
        raise ItemError("no title", external_id=external_id)
    tz = zone(ctx.timezone)
    try:
        start, all_day = parse_when(raw_start, tz)
        end, end_is_date = parse_when(raw_end, tz) if raw_end else (None, False)
    except ValueError as exc:
        raise ItemError(str(exc), external_id=external_id) from None
    if end is not None and end_is_date:
        end = datetime.combine(end.date() + timedelta(days=1), datetime.min.time(), tz)
    warnings: list[str] = []
    if end is not None and end <= start:
        warnings.append(f"end {raw_end!r} is not after start, ignored")
        end = None
    body = _body(item)
    return SourceEvent(
        external_id=external_id,
        title=I18nText.single(title, lang),
        description=I18nText.single(html_description(body), lang),
        description_is_html=True,
        occurrences=(
            Occurrence(
                start=start.astimezone(tz),
                end=end.astimezone(tz) if end else None,
                all_day=all_day,
                timezone=tz.key,
            ),
        ),
        timezone=tz.key,
        url=link,
        location=Location(raw=strip_markup(place)) if place else None,
        categories=tuple(
            strip_markup(c.text or c.get("term") or "")
            for c in item
            if isinstance(c.tag, str)
            and etree.QName(c).localname == "category"
            and strip_markup(c.text or c.get("term") or "")
        ),
        warnings=tuple(warnings),
    )


def _body(item: Any) -> str | None:
    encoded = item.find(f"{{{CONTENT}}}encoded")
    if encoded is not None and (encoded.text or "").strip():
        return str(encoded.text)
    return (
        _child_text(item, "content")
        or _child_text(item, "description")
        or _child_text(item, "summary")
    )


def _ttl(head: Any) -> timedelta | None:
    minutes = _child_text(head, "ttl")
    return timedelta(minutes=int(minutes)) if minutes and minutes.isdigit() else None


def _next(root: Any, head: Any, base: str | None) -> str | None:
    for node in (root, head):
        if node is None:
            continue
        for link in node.findall(f"{{{ATOM}}}link"):
            if link.get("rel") == "next":
                return absolute_url(link.get("href"), base)
    return None
