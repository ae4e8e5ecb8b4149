"""HTTP: the Starlette app serving the API (feeds, widget and forms come later)."""

from __future__ import annotations

from pluriel.web.app import create_app

__all__ = ["create_app"]
