"""The public GraphQL API: strawberry types over the store's read queries."""

from __future__ import annotations

from pluriel.graphql.context import Context
from pluriel.graphql.schema import build_schema, sdl

__all__ = ["Context", "build_schema", "sdl"]
