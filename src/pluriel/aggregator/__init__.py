"""Normalise, enrich and merge what readers produced; the only writer of events."""

from __future__ import annotations

__all__: list[str] = []
