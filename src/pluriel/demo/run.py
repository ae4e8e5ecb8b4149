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
from pluriel.store import accounts, registry

__all__ = [
    "DEMO_ACCOUNTS",
    "SITE_PORT",
    "ensure_demo_accounts",
    "register_demo_sources",
    "serve_demo_site",
]

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


#: Accounts the demo creates so that /submit and /moderation can be tried at once.
#: Local demo only: the passwords are printed by ``pluriel demo``.
DEMO_ACCOUNTS = (
    ("programme@cine-stanislas.example", "cine-stanislas", "member", "demo-cinema-2026"),
    ("moderation@pluriel.example", None, "moderator", "demo-moderation-2026"),
)


def ensure_demo_accounts(conn: Conn) -> list[tuple[str, str]]:
    """Create the demo's member and moderator once; return (email, password) pairs."""
    for email, slug, role, password in DEMO_ACCOUNTS:
        exists = conn.execute("select 1 from account where email = %s", (email,)).fetchone()
        if exists:
            continue
        institution = registry.get_institution(conn, slug) if slug else None
        accounts.create_account(
            conn,
            email=email,
            password=password,
            role=role,
            institution_id=institution.id if institution else None,
        )
    conn.commit()
    return [(email, password) for email, _, _, password in DEMO_ACCOUNTS]


def serve_demo_site(today: date | None = None) -> DemoSiteServer:
    """The fixture site with dates relative to ``today``, on loopback port 8642 if free."""
    day = today or date.today()

    def build(base: str) -> Mapping[str, Document]:
        return build_site(day, base)

    try:
        return serve_site(build=build, port=SITE_PORT)
    except OSError:
        return serve_site(build=build, port=0)
