"""Who may write: institution members, regional moderators, and API tokens.

Passwords are hashed with scrypt (standard library, memory-hard) under a
fresh salt each; the parameters travel inside the stored string
(``scrypt$n=16384,r=8,p=1$<salt>$<hash>``) so that raising them later only
needs :func:`needs_rehash` at the next login, never a migration.

API tokens look like ``plr_<prefix>_<secret>``: the prefix is stored in clear
to find the row, only the SHA-256 of the secret is kept (a token is random
enough that a slow hash adds nothing), and the comparison is constant-time.
The token itself is shown once, by :func:`create_token`. This is the format
``pluriel token create`` has always written, so its tokens verify here.

Every function works inside the caller's transaction and never commits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from pluriel.errors import PlurielError

__all__ = [
    "SCOPES",
    "Account",
    "AccountError",
    "Actor",
    "ApiKey",
    "CreatedToken",
    "actor_for_account",
    "actor_for_key",
    "authenticate",
    "create_account",
    "create_token",
    "get_account",
    "hash_password",
    "list_tokens",
    "needs_rehash",
    "revoke_token",
    "set_password",
    "verify_password",
    "verify_token",
]

Conn = psycopg.Connection[dict[str, Any]]

#: What a token may do: submit and edit its institution's events, moderate, or only read.
SCOPES = frozenset({"events:write", "events:moderate", "read"})
ROLES = frozenset({"member", "moderator", "admin"})

# scrypt at n=2**14, r=8 uses 16 MiB and about 50 ms: OWASP's minimum for scrypt.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # scrypt takes any length; a cap keeps a login from being a DoS


class AccountError(PlurielError):
    """An account or token operation the caller asked for cannot be done (message says why)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=HASH_BYTES, maxmem=2**26
    )


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """A self-describing scrypt hash of ``password`` under a fresh salt."""
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"a password may have at most {MAX_PASSWORD} characters")
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, n, r, p)
    return f"scrypt$n={n},r={r},p={p}${_b64(salt)}${_b64(digest)}"


def _parse(encoded: str) -> tuple[int, int, int, bytes, bytes] | None:
    try:
        scheme, params, salt, digest = encoded.split("$")
        if scheme != "scrypt":
            return None
        values = dict(item.split("=", 1) for item in params.split(","))
        n, r, p = int(values["n"]), int(values["r"]), int(values["p"])
        return n, r, p, _unb64(salt), _unb64(digest)
    except (ValueError, KeyError):
        return None


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches ``encoded``; a malformed hash matches nothing."""
    parsed = _parse(encoded)
    if parsed is None or len(password) > MAX_PASSWORD:
        return False
    n, r, p, salt, digest = parsed
    if n > 2**20 or r > 32 or p > 16:  # a tampered row must not exhaust memory
        return False
    return hmac.compare_digest(_scrypt(password, salt, n, r, p), digest)


def needs_rehash(encoded: str) -> bool:
    """Whether ``encoded`` was made with other parameters than today's."""
    parsed = _parse(encoded)
    if parsed is None:
        return True
    n, r, p, salt, digest = parsed
    return (n, r, p, len(salt), len(digest)) != (
        SCRYPT_N,
        SCRYPT_R,
        SCRYPT_P,
        SALT_BYTES,
        HASH_BYTES,
    )


# A hash to verify against when the email is unknown, so that a login takes
# as long for an unknown address as for a wrong password.
_DUMMY_HASH = hash_password(secrets.token_hex(16))


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    email: str
    institution_id: int | None
    role: str
    region: str | None


def _normal_email(email: str) -> str:
    text = email.strip()
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in text):
        raise AccountError(f"{email!r} is not an email address")
    return text.lower()


def create_account(
    conn: Conn,
    *,
    email: str,
    password: str,
    institution_id: int | None = None,
    role: str = "member",
    region: str | None = None,
) -> Account:
    """A member of an institution, or a moderator of a region (``region=None``: all of them)."""
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; use one of {sorted(ROLES)}")
    if role == "member" and institution_id is None:
        raise AccountError("a member belongs to an institution")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    address = _normal_email(email)
    try:
        with conn.transaction():
            row = conn.execute(
                "insert into account (email, password_hash, institution_id, role, region)"
                " values (%s, %s, %s, %s, %s)"
                " returning id, email, institution_id, role, region",
                (address, hash_password(password), institution_id, role, region),
            ).fetchone()
    except psycopg.errors.UniqueViolation as exc:
        raise AccountError(f"an account for {address} already exists") from exc
    if row is None:  # pragma: no cover - returning always yields a row
        raise AccountError("account insert returned nothing")
    return Account(**row)


def get_account(conn: Conn, account_id: int) -> Account | None:
    row = conn.execute(
        "select id, email, institution_id, role, region from account where id = %s",
        (account_id,),
    ).fetchone()
    return Account(**row) if row else None


def authenticate(conn: Conn, email: str, password: str) -> Account | None:
    """The account when the password is right (its hash upgraded if outdated), else ``None``."""
    row = conn.execute(
        "select id, email, institution_id, role, region, password_hash from account"
        " where lower(email) = lower(%s)",
        (email.strip(),),
    ).fetchone()
    if row is None:
        verify_password(password, _DUMMY_HASH)
        return None
    stored = row.pop("password_hash")
    if not verify_password(password, stored):
        return None
    if needs_rehash(stored):
        conn.execute(
            "update account set password_hash = %s where id = %s",
            (hash_password(password), row["id"]),
        )
    return Account(**row)


def set_password(conn: Conn, account_id: int, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    conn.execute(
        "update account set password_hash = %s where id = %s",
        (hash_password(password), account_id),
    )


# -- tokens ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: int
    prefix: str
    institution_id: int | None
    portal: str | None
    scopes: tuple[str, ...]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class CreatedToken:
    """The one moment the secret exists in clear: show ``token`` and forget it."""

    token: str
    key: ApiKey


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _key(row: dict[str, Any]) -> ApiKey:
    return ApiKey(
        id=row["id"],
        prefix=row["prefix"],
        institution_id=row["institution_id"],
        portal=row["portal"],
        scopes=tuple(row["scopes"]),
        created_at=row["created_at"],
        last_used_at=row["last_used_at"],
        revoked_at=row["revoked_at"],
    )


_KEY_COLUMNS = "id, prefix, institution_id, portal, scopes, created_at, last_used_at, revoked_at"


def create_token(
    conn: Conn,
    *,
    institution_id: int | None = None,
    portal: str | None = None,
    scopes: Iterable[str] | None = None,
    now: datetime | None = None,
) -> CreatedToken:
    """A new token for an institution (default scope ``events:write``) or a portal (``read``)."""
    if (institution_id is None) == (portal is None):
        raise AccountError("a token belongs to exactly one institution or one portal")
    chosen = sorted(set(scopes) if scopes is not None else set())
    if not chosen:
        chosen = ["events:write"] if institution_id is not None else ["read"]
    unknown = [s for s in chosen if s not in SCOPES]
    if unknown:
        raise AccountError(f"unknown scopes {unknown}; use {sorted(SCOPES)}")
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    row = conn.execute(
        "insert into api_key (prefix, secret_hash, institution_id, portal, scopes, created_at)"
        " values (%s, %s, %s, %s, %s, coalesce(%s, now()))"
        f" returning {_KEY_COLUMNS}",
        (prefix, _digest(secret), institution_id, portal, chosen, now),
    ).fetchone()
    if row is None:  # pragma: no cover
        raise AccountError("api_key insert returned nothing")
    return CreatedToken(token=f"plr_{prefix}_{secret}", key=_key(row))


def _split_token(token: str) -> tuple[str, str] | None:
    head, sep, rest = token.strip().partition("_")
    prefix, sep2, secret = rest.partition("_")
    if head != "plr" or not sep or not sep2 or not prefix or not secret:
        return None
    return prefix, secret


def verify_token(conn: Conn, token: str, *, now: datetime) -> ApiKey | None:
    """The live key ``token`` opens (its ``last_used_at`` set to ``now``), else ``None``."""
    parts = _split_token(token)
    if parts is None:
        return None
    prefix, secret = parts
    row = conn.execute(
        f"select {_KEY_COLUMNS}, secret_hash from api_key where prefix = %s", (prefix,)
    ).fetchone()
    expected = row["secret_hash"] if row else _digest("")
    matches = hmac.compare_digest(_digest(secret), expected)
    if row is None or not matches or row["revoked_at"] is not None:
        return None
    conn.execute("update api_key set last_used_at = %s where id = %s", (now, row["id"]))
    row["last_used_at"] = now
    return _key(row)


def revoke_token(
    conn: Conn, prefix: str, *, now: datetime, institution_id: int | None = None
) -> bool:
    """Revoke the key with ``prefix`` (of ``institution_id`` when given); whether one was live."""
    row = conn.execute(
        "update api_key set revoked_at = %s where prefix = %s and revoked_at is null"
        " and (%s::bigint is null or institution_id = %s) returning id",
        (now, prefix, institution_id, institution_id),
    ).fetchone()
    return row is not None


def list_tokens(conn: Conn, *, institution_id: int) -> list[ApiKey]:
    rows = conn.execute(
        f"select {_KEY_COLUMNS} from api_key where institution_id = %s order by id",
        (institution_id,),
    ).fetchall()
    return [_key(row) for row in rows]


# -- actors ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor:
    """Who is acting, as audit rows and permission checks see it.

    ``label`` is what the audit trail records: ``account:12``, ``token:1a2b3c4d``
    or ``system:cli``.
    """

    label: str
    institution_id: int | None = None
    account_id: int | None = None
    role: str = "member"
    region: str | None = None
    scopes: frozenset[str] = frozenset({"events:write"})

    @property
    def is_moderator(self) -> bool:
        return self.role in {"moderator", "admin"} or "events:moderate" in self.scopes


def actor_for_account(account: Account) -> Actor:
    scopes = {"events:write", "read"}
    if account.role in {"moderator", "admin"}:
        scopes.add("events:moderate")
    return Actor(
        label=f"account:{account.id}",
        institution_id=account.institution_id,
        account_id=account.id,
        role=account.role,
        region=account.region,
        scopes=frozenset(scopes),
    )


def actor_for_key(key: ApiKey) -> Actor:
    return Actor(
        label=f"token:{key.prefix}",
        institution_id=key.institution_id,
        role="moderator" if "events:moderate" in key.scopes else "member",
        scopes=frozenset(key.scopes),
    )
