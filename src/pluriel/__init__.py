"""pluriel: an open, cross-border cultural agenda for the Greater Region."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
