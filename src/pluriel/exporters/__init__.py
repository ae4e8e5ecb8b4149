"""Open feeds: events as iCalendar, schema.org JSON-LD and RSS, from plain values.

Every exporter is a pure function from :mod:`pluriel.exporters.types` values
to bytes: no database, no clock, no network, so the same input always gives
the same bytes (and the same HTTP ETag).
"""

from __future__ import annotations

from pluriel.exporters.ics import to_ics
from pluriel.exporters.jsonld import jsonld_document, jsonld_dumps, jsonld_script_tag, to_jsonld
from pluriel.exporters.rss import to_rss
from pluriel.exporters.types import ExportEvent, ExportOccurrence, ExportOrganiser, ExportPlace

__all__ = [
    "ExportEvent",
    "ExportOccurrence",
    "ExportOrganiser",
    "ExportPlace",
    "jsonld_document",
    "jsonld_dumps",
    "jsonld_script_tag",
    "to_ics",
    "to_jsonld",
    "to_rss",
]
