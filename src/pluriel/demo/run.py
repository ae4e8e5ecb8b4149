"""``pluriel demo``: the fixture site on loopback, crawled by the real spiders, then served.

The fixture site gets a new port on every run; sources found again by
institution, format and path are pointed at the new address instead of being
registered twice, so a second run finds its data unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import psycopg

from pluriel.demo.catalog import sources
from pluriel.demo.server import DemoSiteServer, serve_site
from pluriel.demo.site import Document, build_site
from pluriel.model import SourceSpec
from pluriel.store import registry

__all__ = ["SITE_PORT", "register_demo_sources", "serve_demo_site"]

Conn = psycopg.Connection[dict[str, Any]]


def register_demo_sources(conn: Conn, base_url: str) -> list[SourceSpec]:
    """Create the demo institutions and their sources at ``base_url``; return the specs."""
    ids: list[int] = []
    for inst, located in sources(base_url):
        row = registry.add_institution(
            conn,
            inst.slug,
            name=inst.name,
            country=inst.country,
            trust=inst.trust,
            website=inst.website,
        )
        for item in located:
            src = item.source
            existing = registry.find_source_by_path(
                conn, institution_id=row.id, format=src.format, path=src.path
            )
            if existing is not None:
                registry.relocate_source(conn, existing, item.url)
            ids.append(
                registry.add_source(
                    conn,
                    institution_id=row.id,
                    format=src.format,
                    url=item.url,
                    lang=src.lang,
                    timezone=src.timezone,
                    kind=src.kind,
                    name=src.name,
                )
            )
    conn.commit()
    return registry.load_sources(conn, ids=ids)


#: The fixture site's preferred port: a stable address keeps event URLs, validators
#: and RPDE checkpoints valid from one demo run to the next.
SITE_PORT = 8642


def serve_demo_site(today: date | None = None) -> DemoSiteServer:
    """The fixture site with dates relative to ``today``, on loopback port 8642 if free."""
    day = today or date.today()

    def build(base: str) -> Mapping[str, Document]:
        return build_site(day, base)

    try:
        return serve_site(build=build, port=SITE_PORT)
    except OSError:
        return serve_site(build=build, port=0)
