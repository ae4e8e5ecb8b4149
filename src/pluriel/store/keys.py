"""Read-only check of an API token for the public API (portal budgets).

Tokens look like ``plr_<prefix>_<secret>``; the ``api_key`` row is found by
its prefix and the SHA-256 of the secret compared in constant time. A
revoked, unknown or malformed token is simply not a key: the caller answers
401 without saying which, so probing prefixes teaches nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any

from psycopg import AsyncConnection

__all__ = ["KeyIdentity", "lookup_key"]

_TOKEN = re.compile(r"^plr_([0-9a-f]{8})_([A-Za-z0-9_-]{16,128})$")


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyIdentity:
    """Who a valid token speaks for: a portal by name, or an institution by id."""

    id: int
    prefix: str
    portal: str | None
    institution_id: int | None
    scopes: tuple[str, ...]


async def lookup_key(conn: AsyncConnection[Any], token: str) -> KeyIdentity | None:
    """The live key ``token`` belongs to, or ``None``."""
    match = _TOKEN.match(token)
    if match is None:
        return None
    prefix, secret = match.groups()
    cur = await conn.execute(
        "select id, prefix, secret_hash, portal, institution_id, scopes, revoked_at"
        " from api_key where prefix = %s",
        (prefix,),
    )
    row = await cur.fetchone()
    digest = hashlib.sha256(secret.encode()).hexdigest()
    if row is None:
        # Compare anyway, so an unknown prefix takes as long as a wrong secret.
        hmac.compare_digest(digest, "0" * len(digest))
        return None
    values = (
        row
        if isinstance(row, dict)
        else dict(
            zip(
                ("id", "prefix", "secret_hash", "portal", "institution_id", "scopes", "revoked_at"),
                row,
                strict=True,
            )
        )
    )
    if not hmac.compare_digest(digest, str(values["secret_hash"])):
        return None
    if values["revoked_at"] is not None:
        return None
    return KeyIdentity(
        id=int(values["id"]),
        prefix=str(values["prefix"]),
        portal=values["portal"],
        institution_id=values["institution_id"],
        scopes=tuple(values["scopes"] or ()),
    )
