"""schema.org events in HTML (JSON-LD, microdata, RDFa) or bare JSON-LD.

The source URL is an event page or a listing. A listing's ``meta.follow``
links (its ``ItemList`` or its dateless events) are fetched as detail pages,
on the same site only; ``<link rel="next">`` leads to the next listing page.
"""

from __future__ import annotations

from pluriel.crawlers.base import SourceSpider
from pluriel.model import SourceFormat

__all__ = ["JsonLdSpider"]


class JsonLdSpider(SourceSpider):
    name = "jsonld"
    format = SourceFormat.JSONLD
