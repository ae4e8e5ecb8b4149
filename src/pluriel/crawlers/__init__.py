"""Crawlers: fetch sources politely and safely, read them, hand one outcome per source on.

Crawlers never touch the database: :func:`run_crawl` gives each
:class:`~pluriel.model.FetchOutcome` to a sink (the aggregator writes it as
one transaction). One spider per format (:mod:`.ics`, :mod:`.jsonld`,
:mod:`.tribe`, :mod:`.rss`, :mod:`.rpde`, :mod:`.activitystreams`) and
named site spiders (:mod:`.sites`) share :class:`~.base.SourceSpider`.
"""

from __future__ import annotations

from pluriel.crawlers.process import Sink, run_crawl
from pluriel.crawlers.safety import check_target
from pluriel.crawlers.settings import CrawlOptions

__all__ = ["CrawlOptions", "Sink", "check_target", "run_crawl"]
