"""The Events Calendar (WordPress) REST API, legacy ``tribe/events/v1`` and newer ``tec/v1``.

The source URL may be the endpoint or the site's root: from the root, the
legacy endpoint is tried first, then ``tec/v1``. Legacy pages link the next
one in ``next_rest_url``, ``tec/v1`` in the ``Link`` header. The legacy API
answers 404 for a page past the last one: that is the end of the feed, not
an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit, urlunsplit

from scrapy.http import Request, Response

from pluriel.crawlers.base import SourceSpider
from pluriel.errors import FeedFormatError
from pluriel.model import SourceFormat
from pluriel.readers.tribe import next_link

__all__ = ["ENDPOINTS", "TribeSpider", "endpoint_candidates"]

ENDPOINTS = ("/wp-json/tribe/events/v1/events", "/wp-json/tec/v1/events")


def endpoint_candidates(url: str) -> list[str]:
    """The endpoint itself, or the endpoints to try under a site root, in order."""
    parts = urlsplit(url)
    if "/wp-json/" in parts.path:
        return [url]
    root = parts.path.rstrip("/")
    return [urlunsplit((parts.scheme, parts.netloc, root + path, "", "")) for path in ENDPOINTS]


class TribeSpider(SourceSpider):
    name = "tribe"
    format = SourceFormat.TRIBE

    def first_requests(self) -> Iterable[Request]:
        first, *rest = endpoint_candidates(self.spec.url)
        request = self.request(first, first=True, meta={"pluriel_candidates": rest})
        return [request] if request is not None else []

    def _next_candidate(self, response: Response) -> Request | None:
        remaining: list[str] = response.meta.get("pluriel_candidates") or []
        if not response.meta.get("pluriel_first") or not remaining:
            return None
        return self.request(remaining[0], first=True, meta={"pluriel_candidates": remaining[1:]})

    def parse_page(self, response: Response) -> Iterator[Request | None]:
        try:
            result = self.read(response, self.format)
        except FeedFormatError:
            fallback = self._next_candidate(response)
            if fallback is None:
                raise
            yield fallback
            return
        self.add(result)
        link = response.headers.get(b"Link")
        header_next = next_link(link.decode("latin-1")) if link else None
        if header_next:
            header_next = response.urljoin(header_next)
        yield self.next_page(result.meta.next_url or header_next, response)

    def on_http_error(self, response: Response) -> Iterable[Request | None]:
        if response.status == 404 and not response.meta.get("pluriel_first"):
            return ()
        fallback = self._next_candidate(response)
        if fallback is not None:
            return [fallback]
        return super().on_http_error(response)
