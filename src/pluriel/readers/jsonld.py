"""schema.org events from an HTML page (JSON-LD, microdata, RDFa) or a bare JSON-LD document.

The page is parsed once; extruct runs only for the syntaxes whose markers the
page contains (``itemscope`` for microdata, ``typeof=`` for RDFa), and JSON-LD
scripts are read here one by one so that a broken script is one item error,
not the loss of the page. Every syntax is brought to compact JSON-LD shape and
mapped by :mod:`pluriel.readers.schemaorg`.

A listing page yields its events plus the detail pages it points to: an
``ItemList`` of URLs, or events that carry a URL but no date, become
``meta.follow`` (same site only); ``<link rel="next">`` becomes
``meta.next_url``. The same event described twice on one page (JSON-LD and
microdata, or a ``@graph`` node and its reference) is kept once; events that
share an id but start at different times get the start appended to the id.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

import extruct
import jstyleson  # type: ignore[import-untyped]
from extruct.utils import parse_html, parse_xmldom_html
from lxml import etree  # type: ignore[import-untyped]

from pluriel.errors import FeedFormatError
from pluriel.model import (
    UNDETERMINED,
    FeedMeta,
    ReadResult,
    SourceEvent,
    SourceItemError,
    normalise_lang,
)
from pluriel.readers.common import ReadContext, absolute_url, decode_text, same_site
from pluriel.readers.schemaorg import (
    Document,
    as_list,
    event_types,
    first_text,
    is_event,
    local_name,
    map_events,
    normalise,
)

__all__ = ["read_jsonld"]

_JSONLD = re.compile(r"application/ld\+json", re.IGNORECASE)
_MICRODATA = re.compile(r"\bitemscope\b", re.IGNORECASE)
_RDFA = re.compile(r"\btypeof\s*=", re.IGNORECASE)
_COMMENT_LINE = re.compile(r"^\s*(//.*|<!--.*-->)")
_RDFA_BUDGET = 5000  # embedded RDFa nodes per page
_SCRIPTS = etree.XPath('descendant-or-self::script[@type="application/ld+json"]')
_NEXT = etree.XPath(
    "//link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
    " | //a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
)


def read_jsonld(data: bytes, ctx: ReadContext) -> ReadResult:
    """Events of one page or JSON-LD document; detail pages and the next page in ``meta``."""
    text = decode_text(data).strip()
    if not text:
        raise FeedFormatError(f"{ctx.url or 'document'}: empty document, expected HTML or JSON-LD")
    errors: list[SourceItemError] = []
    if text.startswith(("{", "[")):
        try:
            payload = json.loads(text)
        except ValueError as exc:
            raise FeedFormatError(f"{ctx.url or 'document'}: invalid JSON-LD: {exc}") from None
        blocks = [(normalise(payload), _context_lang(payload) or ctx.lang)]
        next_url = None
    elif "<" in text:
        blocks, next_url = _read_html(text, ctx, errors)
    else:
        raise FeedFormatError(f"{ctx.url or 'document'}: neither HTML nor JSON-LD")
    return _collect(blocks, ctx, errors, next_url)


def _read_html(
    text: str, ctx: ReadContext, errors: list[SourceItemError]
) -> tuple[list[tuple[Any, str]], str | None]:
    rdfa = bool(_RDFA.search(text))
    try:
        tree = (parse_xmldom_html if rdfa else parse_html)(text.encode("utf-8"), encoding="utf-8")
    except (etree.ParserError, ValueError) as exc:
        raise FeedFormatError(f"{ctx.url or 'document'}: unreadable HTML: {exc}") from None
    root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    page_lang = (
        root.get("lang")
        or root.get("xml:lang")
        or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    )
    lang = normalise_lang(page_lang) if page_lang else ctx.lang
    blocks: list[tuple[Any, str]] = []
    if _JSONLD.search(text):
        for number, script in enumerate(_SCRIPTS(tree), start=1):
            payload = _script_json(script.xpath("string()"), number, errors)
            if payload is not None:
                blocks.append((normalise(payload), _context_lang(payload) or lang))
    syntaxes = [
        name for name, found in (("microdata", _MICRODATA.search(text)), ("rdfa", rdfa)) if found
    ]
    for syntax in syntaxes:
        try:
            found = extruct.extract(
                tree,
                base_url=ctx.url,
                syntaxes=[syntax],
                uniform=syntax == "microdata",
                errors="strict",
            )
        except Exception as exc:  # extruct and pyRdfa raise anything: one syntax is lost
            errors.append(SourceItemError(message=f"{syntax}: could not be extracted: {exc}"))
            continue
        items = found.get(syntax, [])
        blocks.append((normalise(_compact_rdfa(items) if syntax == "rdfa" else items), lang))
    hrefs = [h for h in _NEXT(tree) if isinstance(h, str)]
    next_url = absolute_url(hrefs[0], ctx.url) if hrefs else None
    return blocks, next_url


def _script_json(raw: str, number: int, errors: list[SourceItemError]) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw, strict=False)
    except ValueError:
        pass
    try:
        return jstyleson.loads(_COMMENT_LINE.sub("", raw), strict=False)
    except ValueError as exc:
        errors.append(SourceItemError(message=f"JSON-LD script {number}: invalid JSON: {exc}"))
        return None


def _context_lang(payload: Any) -> str | None:
    """The ``@language`` a JSON-LD ``@context`` declares for plain strings, if any."""
    for node in payload if isinstance(payload, list) else [payload]:
        context = node.get("@context") if isinstance(node, dict) else None
        for part in context if isinstance(context, list) else [context]:
            if isinstance(part, dict) and isinstance(part.get("@language"), str):
                code = normalise_lang(part["@language"])
                return None if code == UNDETERMINED else code
    return None


def _compact_rdfa(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """extruct's expanded RDFa nodes as compact, nested nodes like JSON-LD's.

    References are embedded as copies (never cycles), at most eight levels deep
    and within a budget of embedded nodes, so a densely linked page stays cheap.
    """
    index = {n["@id"]: n for n in items if isinstance(n.get("@id"), str)}
    budget = [_RDFA_BUDGET]

    def convert(node: dict[str, Any], trail: frozenset[str]) -> dict[str, Any]:
        budget[0] -= 1
        out: dict[str, Any] = {}
        for key, values in node.items():
            if key in ("@id", "@type"):
                out[key] = values
                continue
            converted: list[Any] = []
            for value in values if isinstance(values, list) else [values]:
                ref = value.get("@id") if isinstance(value, dict) and len(value) == 1 else None
                if (
                    isinstance(ref, str)
                    and ref in index
                    and ref not in trail
                    and len(trail) < 8
                    and budget[0] > 0
                ):
                    converted.append(convert(index[ref], trail | {ref}))
                elif isinstance(ref, str):
                    converted.append(ref)
                else:
                    converted.append(value)
            out[local_name(key)] = converted[0] if len(converted) == 1 else converted
        return out

    return [convert(n, frozenset({n.get("@id", "")})) for n in items]


def _flatten(value: Any) -> list[Any]:
    """Top-level nodes with ``@graph`` wrappers opened."""
    out: list[Any] = []
    for node in value if isinstance(value, list) else [value]:
        if isinstance(node, dict) and "@graph" in node:
            out.extend(_flatten(node["@graph"]))
            rest = {k: v for k, v in node.items() if k not in ("@graph", "@context")}
            if rest.get("@type"):
                out.append(rest)
        elif isinstance(node, dict | list):
            out.extend(node if isinstance(node, list) else [node])
    return out


class _Finder:
    """Walks the nodes of one document for events and links to detail pages."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.events: list[dict[str, Any]] = []
        self.links: list[str] = []
        self.seen: set[int] = set()

    def visit(self, value: Any) -> None:
        value = self.doc.deref(value)
        if isinstance(value, list):
            for item in value:
                self.visit(item)
            return
        if not isinstance(value, dict) or id(value) in self.seen:
            return
        self.seen.add(id(value))
        if is_event(value):
            self.event(value)
        elif "ItemList" in event_types(value):
            for element in as_list(value.get("itemListElement")):
                self.list_element(self.doc.deref(element))
        else:
            for key, item in value.items():
                if key != "@context":
                    self.visit(item)

    def event(self, node: dict[str, Any]) -> None:
        dated = any(node.get(k) is not None for k in ("startDate", "eventSchedule", "subEvent"))
        link = absolute_url(first_text(node.get("url")), self.doc.base)
        if not dated and link and link != self.doc.base:
            self.links.append(link)
        else:
            self.events.append(node)

    def list_element(self, element: Any) -> None:
        if isinstance(element, str):
            self.links.append(element)
            return
        if not isinstance(element, dict):
            return
        if "ListItem" in event_types(element):
            target = self.doc.deref(element.get("item"))
            if isinstance(target, dict) and len(target) > 1:
                self.visit(target)
                return
            link = first_text(target) or first_text(element.get("url"))
            if link:
                self.links.append(link)
            return
        self.visit(element)


def _collect(
    blocks: list[tuple[Any, str]],
    ctx: ReadContext,
    errors: list[SourceItemError],
    next_url: str | None,
) -> ReadResult:
    doc = Document(ctx=ctx, lang=ctx.lang, base=ctx.url)
    flat = [(_flatten(nodes), lang) for nodes, lang in blocks]
    for nodes, _ in flat:
        doc.add_to_index(nodes)
    events: list[SourceEvent] = []
    links: list[str] = []
    for nodes, lang in flat:
        finder = _Finder(replace(doc, lang=lang))
        finder.visit(nodes)
        links.extend(finder.links)
        for node in finder.events:
            found, failed = map_events(node, finder.doc)
            events.extend(found)
            errors.extend(failed)
    follow = _follow(links, ctx.url)
    return ReadResult(
        events=tuple(_unique(events)),
        errors=tuple(errors),
        meta=FeedMeta(next_url=next_url, follow=follow),
    )


def _follow(links: Iterable[str], base: str | None) -> tuple[str, ...]:
    out: list[str] = []
    for link in links:
        url = absolute_url(link, base)
        if url and url != base and same_site(url, base) and url not in out:
            out.append(url)
    return tuple(out)


def _unique(events: list[SourceEvent]) -> list[SourceEvent]:
    """One event per id: exact repeats dropped, same-id different-start events told apart."""
    kept: list[SourceEvent] = []
    seen: set[tuple[str, tuple[datetime, ...]]] = set()
    for event in events:
        key = (event.external_id, tuple(o.start for o in event.occurrences))
        if key not in seen:
            seen.add(key)
            kept.append(event)
    counts = Counter(e.external_id for e in kept)
    return [
        replace(e, external_id=f"{e.external_id}#{e.occurrences[0].start.isoformat()}")
        if counts[e.external_id] > 1 and e.occurrences
        else e
        for e in kept
    ]
