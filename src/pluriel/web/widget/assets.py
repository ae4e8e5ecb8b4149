"""The served ``/widget.js``: the element's source with its string table and queries inlined.

The Babel catalogs (``pluriel.locales``, messages of :mod:`.messages`) and
``documents/*.graphql`` are the one source of the interface text and of the
GraphQL documents: the server-rendered embed reads the same table, and the
API can register the same documents by hash. They are inlined when the file
is first served, so there is no build step and nothing generated is committed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from babel import Locale

from pluriel.aggregator.accessibility import features
from pluriel.locales import LANGUAGES, pgettext
from pluriel.web.widget.messages import CONTEXT, MESSAGES

__all__ = [
    "Script",
    "accessibility_labels",
    "documents",
    "luxembourgish_names",
    "script",
    "strings",
]

_PACKAGE = "pluriel.web.widget"
_SLOT = re.compile(r"/\*@(strings|documents|accessibility|lb)\*/ \{\} /\*@end\*/")


@dataclass(frozen=True, slots=True)
class Script:
    body: bytes
    gzipped: bytes
    etag: str


def _read(*path: str) -> str:
    entry = resources.files(_PACKAGE)
    for part in path:
        entry = entry.joinpath(part)
    return entry.read_text(encoding="utf-8")


@cache
def strings() -> dict[str, dict[str, str]]:
    """Interface strings by language, then key, from the catalogs.

    A message missing from a catalog comes out in English, as gettext does;
    the catalog tests fail on it long before a visitor could see it.
    """
    return {
        lang: {key: pgettext(lang, CONTEXT, msgid) for key, msgid in MESSAGES.items()}
        for lang in LANGUAGES
    }


@cache
def documents() -> dict[str, str]:
    """The widget's GraphQL documents by name, byte for byte as it sends them.

    Unchanged text keeps ``sha256:<hex of the file>`` valid as a trusted-document id.
    """
    folder = resources.files(_PACKAGE).joinpath("documents")
    return {
        entry.name.removesuffix(".graphql"): entry.read_bytes().decode("utf-8")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".graphql")
    }


@cache
def accessibility_labels() -> dict[str, dict[str, str]]:
    """Labels of the shared accessibility vocabulary, by language then feature id."""
    table: dict[str, dict[str, str]] = {}
    for feature in features():
        for lang, label in feature.labels.items():
            table.setdefault(lang, {})[feature.id] = label
    return table


@cache
def luxembourgish_names() -> dict[str, list[str]]:
    """Month and weekday names in lb (weekdays from Monday), for browsers without lb in Intl."""
    locale = Locale("lb")
    months = locale.months["format"]["wide"]
    days = locale.days["format"]
    return {
        "months": [months[n] for n in range(1, 13)],
        "days": [days["wide"][n] for n in range(7)],
        "daysShort": [days["abbreviated"][n] for n in range(7)],
    }


def _json(value: Any) -> str:
    # "</" would end an inline script; the file is served on its own, but stay safe anywhere.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


@cache
def script() -> Script:
    tables = {
        "strings": _json(strings()),
        "documents": _json(documents()),
        "accessibility": _json(accessibility_labels()),
        "lb": _json(luxembourgish_names()),
    }
    source = _SLOT.sub(lambda match: tables[match.group(1)], _read("static", "agenda.js"))
    body = source.encode("utf-8")
    digest = hashlib.sha256(body).hexdigest()[:20]
    return Script(
        body=body, gzipped=gzip.compress(body, compresslevel=9, mtime=0), etag=f'"{digest}"'
    )
