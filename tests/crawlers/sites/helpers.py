"""Feeding saved pages to a site spider without a network: the spider's own hooks, real HTML."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy.http import HtmlResponse, Request

from pluriel.crawlers.base import CrawlJob
from pluriel.crawlers.settings import CrawlOptions
from pluriel.crawlers.sites.base import SiteSpider
from pluriel.model import FetchOutcome, SourceFormat, SourceSpec
from pluriel.settings import Horizon

NOW = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)


def site_spider(cls: type[SiteSpider], url: str) -> tuple[SiteSpider, list[FetchOutcome]]:
    outcomes: list[FetchOutcome] = []
    spec = SourceSpec(id=1, institution_id=1, format=SourceFormat.SITE, url=url, name=cls.name)
    job = CrawlJob(spec=spec, now=NOW, horizon=Horizon(), options=CrawlOptions())
    return cls(job=job, emit=outcomes.append), outcomes


def page(path: Path, url: str, **meta: Any) -> HtmlResponse:
    request = Request(url, meta=meta)
    return HtmlResponse(url, body=path.read_bytes(), encoding="utf-8", request=request)
