"""Folding lives in the model (search in the store needs it too); re-exported for the aggregator."""

from __future__ import annotations

from pluriel.model.folding import fold

__all__ = ["fold"]
