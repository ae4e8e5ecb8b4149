"""Accent and case folding, done in Python because the embedded PostgreSQL has no unaccent."""

from __future__ import annotations

import unicodedata

__all__ = ["fold"]

_SPECIAL = str.maketrans({"ß": "ss", "ẞ": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d"})


def fold(text: str) -> str:
    """Lower-case, accent-free text: "Musée" -> "musee", "Straße" -> "strasse"."""
    lowered = unicodedata.normalize("NFKC", text).lower().translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
