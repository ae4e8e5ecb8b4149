"""Format readers: bytes of one document in, :class:`~pluriel.model.ReadResult` out.

Readers are pure: no network, no database, no clock of their own (``now``
comes in the :class:`ReadContext`). Crawlers fetch and call them; the
aggregator calls them for uploads and ``pluriel import``. A document that is
not of the format raises :class:`~pluriel.errors.FeedFormatError`; a bad item
inside a good document becomes a :class:`~pluriel.model.SourceItemError` in the
result and the other items still come through.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from pluriel.errors import FeedFormatError
from pluriel.model import ReadResult, SourceFormat
from pluriel.readers.common import ReadContext

__all__ = ["ReadContext", "read"]

Reader = Callable[[bytes, ReadContext], ReadResult]

# format -> "module:function"; imported lazily so that reading an .ics file
# does not pay for extruct's import.
_READERS: dict[SourceFormat, str] = {
    SourceFormat.ICS: "pluriel.readers.ics:read_ics",
    SourceFormat.JSONLD: "pluriel.readers.jsonld:read_jsonld",
    SourceFormat.TRIBE: "pluriel.readers.tribe:read_tribe",
    SourceFormat.RSS: "pluriel.readers.rss:read_rss",
    SourceFormat.RPDE: "pluriel.readers.rpde:read_rpde",
    SourceFormat.ACTIVITYSTREAMS: "pluriel.readers.activitystreams:read_activitystreams",
}


def reader_for(fmt: SourceFormat) -> Reader:
    target = _READERS.get(fmt)
    if target is None:
        raise FeedFormatError(f"no generic reader for format {fmt.value!r}")
    module, func = target.split(":")
    reader: Reader = getattr(import_module(module), func)
    return reader


def read(fmt: SourceFormat, data: bytes, ctx: ReadContext) -> ReadResult:
    return reader_for(fmt)(data, ctx)
