"""The institutions' pages: /submit (form, upload, their submissions) and /moderation."""

from __future__ import annotations

from pluriel.web.submit.routes import SubmitPages, routes

__all__ = ["SubmitPages", "routes"]
