"""Mobilizon and Gancio outboxes: the collection, its ``first`` page, then each ``next``.

Objects an outbox gives only by reference are fetched one by one and read
with the same reader.
"""

from __future__ import annotations

from pluriel.crawlers.base import SourceSpider
from pluriel.model import SourceFormat

__all__ = ["ActivityStreamsSpider"]


class ActivityStreamsSpider(SourceSpider):
    name = "activitystreams"
    format = SourceFormat.ACTIVITYSTREAMS
    detail_format = SourceFormat.ACTIVITYSTREAMS
    detail_needs_event = False
