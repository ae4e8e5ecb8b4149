"""Errors a client caused, shown to it verbatim even when other errors are masked.

    Exception
    └── InputError     a bad argument: malformed cursor, ``first`` out of range, naive datetime

Anything else raised while resolving is a bug or an outage; outside debug its
message is replaced by a generic one so internals never leak.
"""

from __future__ import annotations

from graphql import GraphQLError

__all__ = ["InputError", "should_mask"]


class InputError(Exception):
    """The request is wrong; the message says what to change."""


def should_mask(error: GraphQLError) -> bool:
    """Mask only unexpected exceptions: syntax, validation and input errors stay readable.

    A bad variable value arrives wrapped around another GraphQLError; that is
    the client's mistake too, so it is shown.
    """
    original = error.original_error
    return original is not None and not isinstance(original, InputError | GraphQLError)
