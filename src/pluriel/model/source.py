"""A source to crawl, and what one crawl of it produced.

Crawlers receive :class:`SourceSpec` values and hand back
:class:`FetchOutcome` values through a callable; they never see the
database. The aggregator turns each outcome into one transaction and one
``source_run`` record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pluriel.model.enums import SourceFormat
from pluriel.model.event import ReadResult

__all__ = ["FetchOutcome", "SourceSpec"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceSpec:
    id: int
    institution_id: int
    format: SourceFormat
    url: str
    kind: str = "feed"  # submission | feed | scrape: merge precedence
    lang: str = "und"
    timezone: str = "Europe/Luxembourg"
    refresh_interval: timedelta = timedelta(hours=6)
    etag: str | None = None
    last_modified: str | None = None
    checkpoint: str | None = None
    last_item_count: int | None = None
    name: str | None = None  # site spiders: the spider name


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchOutcome:
    """What one crawl of one source produced.

    Exactly one of three shapes: ``result`` set (the feed was read, possibly
    with per-item errors); ``not_modified`` (HTTP 304: nothing changed);
    ``error`` set (the whole feed failed: transport, refusal or format), in
    which case stored data is left alone.

    ``complete`` says whether ``result`` is the whole programme (an ICS
    feed) or a page of changes (RPDE, where deletions are explicit and
    absence means nothing).
    """

    source_id: int
    started_at: datetime
    result: ReadResult | None = None
    not_modified: bool = False
    error: str | None = None
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    checkpoint: str | None = None
    complete: bool = True
    retry_after: timedelta | None = None
