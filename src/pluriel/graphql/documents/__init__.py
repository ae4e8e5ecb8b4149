"""Trusted documents: the queries a server may be told to accept exclusively.

Each ``*.graphql`` file here is registered under ``sha256:`` followed by the
hex SHA-256 of its exact bytes, the id a client sends as ``documentId`` (or
as the ``persistedQuery`` extension's ``sha256Hash``, without the prefix).
The portal queries of docs/API.md live here; the widget adds its own files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

__all__ = ["TrustedDocument", "document_id", "trusted_documents"]


@dataclass(frozen=True, slots=True)
class TrustedDocument:
    id: str
    name: str
    text: str


def document_id(text: str) -> str:
    """The id of a document's text: ``sha256:<hex>`` of its UTF-8 bytes."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def trusted_documents(extra: Mapping[str, str] | None = None) -> dict[str, TrustedDocument]:
    """Every registered document by id: the files here, plus ``extra`` ({name: text}).

    ``extra`` is how the web layer adds the widget's documents, which live
    with the widget (graphql may not import web).
    """
    texts = {
        entry.name.removesuffix(".graphql"): entry.read_bytes().decode("utf-8")
        for entry in sorted(resources.files(__name__).iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".graphql")
    }
    texts.update(extra or {})
    found: dict[str, TrustedDocument] = {}
    for name, text in texts.items():
        key = document_id(text)
        found[key] = TrustedDocument(id=key, name=name, text=text)
    return found
