"""Errors pluriel raises on purpose.

    PlurielError
    ├── ConfigError            a setting is missing or malformed
    ├── StoreError             the database cannot be reached or migrated
    ├── FeedError              one source could not be read
    │   ├── FeedFetchError     transport: HTTP status, timeout, size cap
    │   ├── FeedRefusedError   safety: private address, scheme, robots.txt
    │   └── FeedFormatError    the body is not a feed of the declared format
    └── ItemError              one item of a feed is unusable (the rest goes on)

Every message is written for the person running the command: it names the
file, URL or item and says what is wrong.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "FeedError",
    "FeedFetchError",
    "FeedFormatError",
    "FeedRefusedError",
    "ItemError",
    "PlurielError",
    "StoreError",
]


class PlurielError(Exception):
    """Base of every error pluriel raises deliberately."""


class ConfigError(PlurielError):
    pass


class StoreError(PlurielError):
    pass


class FeedError(PlurielError):
    pass


class FeedFetchError(FeedError):
    pass


class FeedRefusedError(FeedError):
    pass


class FeedFormatError(FeedError):
    pass


class ItemError(PlurielError):
    def __init__(self, message: str, *, external_id: str | None = None) -> None:
        super().__init__(message)
        self.external_id = external_id
