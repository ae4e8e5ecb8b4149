"""The demo: a fictional Greater Region publishing its programme in every format pluriel reads.

``pluriel demo`` serves :func:`build_site` on loopback with :func:`serve_site`,
registers the institutions and sources of :func:`sources` and crawls them
with the real spiders. Tests use the same site as a realistic, multilingual,
always-current fixture, and :data:`DUPLICATES` as the reference of what the
deduplication must merge.
"""

from __future__ import annotations

from pluriel.demo.catalog import (
    INSTITUTIONS,
    SOURCES,
    DemoInstitution,
    DemoPlace,
    DemoSource,
    LocatedSource,
    sources,
)
from pluriel.demo.programme import DISTINCT, DUPLICATES, DemoEvent, programme
from pluriel.demo.server import DemoSiteServer, serve_site
from pluriel.demo.site import Document, build_site

__all__ = [
    "DISTINCT",
    "DUPLICATES",
    "INSTITUTIONS",
    "SOURCES",
    "DemoEvent",
    "DemoInstitution",
    "DemoPlace",
    "DemoSiteServer",
    "DemoSource",
    "Document",
    "LocatedSource",
    "build_site",
    "programme",
    "serve_site",
    "sources",
]
