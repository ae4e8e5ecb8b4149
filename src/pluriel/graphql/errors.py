"""Errors a client caused, shown to it verbatim even when other errors are masked.

    Exception
    └── InputError     a bad argument: malformed cursor, ``first`` out of range, naive datetime

Anything else raised while resolving is a bug or an outage; outside debug its
message is replaced by a generic one so internals never leak. An outage (the
database unreachable) keeps a code of its own, ``SERVICE_UNAVAILABLE``, so the
web layer can answer 503 instead of 200.
"""

from __future__ import annotations

import psycopg
from psycopg_pool import PoolClosed, PoolTimeout
from strawberry.extensions import MaskErrors

from graphql import GraphQLError

__all__ = ["UNAVAILABLE", "InputError", "Masking", "should_mask"]

#: The code of an error caused by the database being away: the web layer answers 503.
UNAVAILABLE = "SERVICE_UNAVAILABLE"


class InputError(Exception):
    """The request is wrong; the message says what to change."""


def should_mask(error: GraphQLError) -> bool:
    """Mask only unexpected exceptions: syntax, validation and input errors stay readable.

    A bad variable value arrives wrapped around another GraphQLError; that is
    the client's mistake too, so it is shown.
    """
    original = error.original_error
    return original is not None and not isinstance(original, InputError | GraphQLError)


class Masking(MaskErrors):
    """Masks unexpected errors, but names an outage as one (without its internals)."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        # A closed pool is our own lifecycle bug, not the database being away.
        outage = isinstance(original, psycopg.OperationalError | PoolTimeout)
        if outage and not isinstance(original, PoolClosed):
            return GraphQLError(
                "the database is unavailable; retry shortly",
                nodes=error.nodes,
                path=error.path,
                extensions={"code": UNAVAILABLE},
            )
        return super().anonymise_error(error)
