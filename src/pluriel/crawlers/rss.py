"""RSS and Atom listings: the feed's items link to event pages whose structured data is read.

Items that carry their own event dates are events already (the reader
decides); the others are followed and read with the JSON-LD reader.
"""

from __future__ import annotations

from pluriel.crawlers.base import SourceSpider
from pluriel.model import SourceFormat

__all__ = ["RssSpider"]


class RssSpider(SourceSpider):
    name = "rss"
    format = SourceFormat.RSS
    detail_format = SourceFormat.JSONLD
