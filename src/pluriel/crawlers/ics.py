"""iCalendar feeds: one conditional GET, one document, the whole programme."""

from __future__ import annotations

from pluriel.crawlers.base import SourceSpider
from pluriel.model import SourceFormat

__all__ = ["IcsSpider"]


class IcsSpider(SourceSpider):
    name = "ics"
    format = SourceFormat.ICS
