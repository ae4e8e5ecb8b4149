"""Which spider crawls a source: one per format, or the named spider of a site."""

from __future__ import annotations

from pluriel.crawlers.activitystreams import ActivityStreamsSpider
from pluriel.crawlers.base import SourceSpider
from pluriel.crawlers.ics import IcsSpider
from pluriel.crawlers.jsonld import JsonLdSpider
from pluriel.crawlers.rpde import RpdeSpider
from pluriel.crawlers.rss import RssSpider
from pluriel.crawlers.sites import site_spider
from pluriel.crawlers.tribe import TribeSpider
from pluriel.errors import ConfigError
from pluriel.model import SourceFormat, SourceSpec

__all__ = ["SPIDERS", "spider_for"]

SPIDERS: dict[SourceFormat, type[SourceSpider]] = {
    SourceFormat.ICS: IcsSpider,
    SourceFormat.JSONLD: JsonLdSpider,
    SourceFormat.TRIBE: TribeSpider,
    SourceFormat.RSS: RssSpider,
    SourceFormat.RPDE: RpdeSpider,
    SourceFormat.ACTIVITYSTREAMS: ActivityStreamsSpider,
}


def spider_for(spec: SourceSpec) -> type[SourceSpider]:
    """The spider class for ``spec``; :class:`ConfigError` when there is none."""
    if spec.format is SourceFormat.SITE:
        if not spec.name:
            raise ConfigError(f"source {spec.id}: a site source needs the name of its spider")
        return site_spider(spec.name)
    spider = SPIDERS.get(spec.format)
    if spider is None:
        raise ConfigError(f"source {spec.id}: no spider for format {spec.format!r}")
    return spider
