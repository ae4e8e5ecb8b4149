"""OpenActive RPDE pages: a list of changes, not the whole programme.

Both ordering modes (``afterTimestamp`` + ``afterId`` and
``afterChangeNumber``) look the same to a reader: ``items`` and a ``next``
URL. Each item is keyed on its RPDE ``id`` (a ``deleted`` item carries
nothing else), and ``data`` is an OpenActive/schema.org ``Event``,
``SessionSeries`` or ``ScheduledSession`` mapped by
:mod:`pluriel.readers.schemaorg` (an embedded ``superEvent`` fills in what a
session leaves out).

``meta.next_url`` is always ``next``, even on the last page: it is the
checkpoint the next crawl resumes from. ``meta.complete`` is ``False``
because an item absent from a page means nothing. The end of the feed is the
spec's: no items and ``next`` equal to the page's own URL
(:func:`is_last_page`).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from pluriel.errors import FeedFormatError, ItemError
from pluriel.model import FeedMeta, I18nText, ReadResult, SourceEvent, SourceItemError
from pluriel.readers.common import ReadContext, absolute_url, decode_text
from pluriel.readers.schemaorg import Document, is_event, map_event, normalise

__all__ = ["is_last_page", "read_rpde"]


def is_last_page(document_url: str, payload: Any) -> bool:
    """Whether ``payload`` (a decoded RPDE page fetched from ``document_url``) ends the feed."""
    if not isinstance(payload, dict):
        return False
    items = payload.get("items")
    if items:
        return False
    next_url = absolute_url(payload.get("next"), document_url)
    return next_url is not None and next_url == absolute_url(document_url, None)


def read_rpde(data: bytes, ctx: ReadContext) -> ReadResult:
    """One RPDE page: updates as events, deletions as ``deleted=True`` events."""
    where = ctx.url or "document"
    try:
        payload = json.loads(decode_text(data))
    except ValueError as exc:
        raise FeedFormatError(f"{where}: not JSON: {exc}") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("items"), list):
        raise FeedFormatError(f"{where}: not an RPDE page (no items list)")
    if not isinstance(payload.get("next"), str):
        raise FeedFormatError(f"{where}: not an RPDE page (no next URL)")
    doc = Document(ctx=ctx, lang=ctx.lang, base=ctx.url)
    events: list[SourceEvent] = []
    errors: list[SourceItemError] = []
    for number, item in enumerate(payload["items"], start=1):
        try:
            events.append(_item(item, number, doc))
        except ItemError as exc:
            errors.append(SourceItemError(message=str(exc), external_id=exc.external_id))
    meta = FeedMeta(next_url=absolute_url(payload["next"], ctx.url), complete=False)
    return ReadResult(events=tuple(events), errors=tuple(errors), meta=meta)


def _item(item: Any, number: int, doc: Document) -> SourceEvent:
    if not isinstance(item, dict):
        raise ItemError(f"item #{number}: not an object")
    raw_id = item.get("id")
    if not isinstance(raw_id, str | int) or isinstance(raw_id, bool) or str(raw_id) == "":
        raise ItemError(f"item #{number}: no id")
    external_id = str(raw_id)
    state = item.get("state")
    if state == "deleted":
        return SourceEvent(external_id=external_id, title=I18nText(), deleted=True)
    if state != "updated":
        raise ItemError(f"item {external_id!r}: unknown state {state!r}", external_id=external_id)
    data = normalise(item.get("data"))
    if not isinstance(data, dict) or not is_event(data):
        kind = item.get("kind")
        raise ItemError(
            f"item {external_id!r}: data of kind {kind!r} is not an event", external_id=external_id
        )
    doc.add_to_index([data])
    try:
        event = map_event(data, doc)
    except ItemError as exc:
        raise ItemError(f"item {external_id!r}: {exc}", external_id=external_id) from None
    return replace(event, external_id=external_id)
