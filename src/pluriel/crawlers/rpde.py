"""OpenActive RPDE: follow ``next`` from the last checkpoint until the feed says it has ended.

RPDE is a change log, not a programme, so the result is never complete
(absence means nothing; deletions are explicit items) and conditional GET
does not apply: each crawl asks for a different URL. The last ``next`` URL
becomes the checkpoint the next crawl resumes from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from scrapy.http import Request, Response

from pluriel.crawlers.base import SourceSpider
from pluriel.model import SourceFormat
from pluriel.readers.common import decode_text
from pluriel.readers.rpde import is_last_page

__all__ = ["RpdeSpider"]


class RpdeSpider(SourceSpider):
    name = "rpde"
    format = SourceFormat.RPDE
    conditional = False

    def first_requests(self) -> Iterable[Request]:
        request = self.request(self.spec.checkpoint or self.spec.url, first=True)
        return [request] if request is not None else []

    def parse_page(self, response: Response) -> Iterator[Request | None]:
        result = self.read(response, self.format)
        self.add(result)
        self.set_checkpoint(result.meta.next_url or response.url)
        if not is_last_page(response.url, json.loads(decode_text(response.body))):
            yield self.next_page(result.meta.next_url, response)
