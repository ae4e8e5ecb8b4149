"""Sources that are local files (``file://`` URLs, ``pluriel import``): read without a crawler.

A local file needs no politeness and no network safety, so it does not go
through Scrapy; it still goes through the same reader and the same ingest.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pluriel.errors import FeedError
from pluriel.model import FetchOutcome, SourceSpec
from pluriel.readers import ReadContext, read
from pluriel.settings import Settings

__all__ = ["is_local", "read_local_source"]

MAX_BYTES = 20_000_000


def is_local(spec: SourceSpec) -> bool:
    return spec.url.startswith("file://")


def read_local_source(
    spec: SourceSpec, *, settings: Settings, now: datetime | None = None
) -> FetchOutcome:
    """Read a ``file://`` source; a missing, oversized or unreadable file is an error outcome."""
    started = now or datetime.now(UTC)
    path = Path(unquote(urlsplit(spec.url).path))
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise FeedError(f"{path.name} is {size} bytes, over the {MAX_BYTES}-byte limit")
        ctx = ReadContext(
            now=started,
            lang=spec.lang,
            timezone=spec.timezone,
            url=spec.url,
            horizon=settings.horizon,
        )
        result = read(spec.format, path.read_bytes(), ctx)
    except FileNotFoundError:
        return FetchOutcome(source_id=spec.id, started_at=started, error=f"{path}: no such file")
    except (OSError, FeedError) as exc:
        return FetchOutcome(source_id=spec.id, started_at=started, error=f"{path.name}: {exc}")
    return FetchOutcome(source_id=spec.id, started_at=started, result=result)
