"""Sessions, CSRF tokens and rate limits for the submission pages.

A session is a signed cookie, not a server-side row: ``<account id>.<issued
at>.<nonce>.<HMAC-SHA256>`` under a secret key. The key comes from
``PLURIEL_SECRET_KEY``, else from a file in ``settings.home`` created on first
use (so every worker of one installation agrees, and a restart keeps people
logged in). The CSRF token is an HMAC of the session nonce: forms carry it,
and a POST without the right one is refused (the session cookie is also
SameSite=Lax, which stops most cross-site posts on its own).

Rate limits are token buckets kept in this process, per account and per IP:
a burst is allowed, a sustained flood gets 429.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "COOKIE",
    "RateLimiter",
    "Session",
    "Signer",
    "load_secret",
]

COOKIE = "pluriel_session"
SESSION_MAX_AGE = 12 * 3600
KEY_FILE = "secret_key"


def load_secret(home: Path, *, environ: dict[str, str] | None = None) -> bytes:
    """The installation's signing key: the environment's, else the key file's (created once)."""
    env = os.environ if environ is None else environ
    given = env.get("PLURIEL_SECRET_KEY", "")
    if given:
        return given.encode("utf-8")
    path = home / KEY_FILE
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    home.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode("ascii")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key)
    return key


@dataclass(frozen=True, slots=True)
class Session:
    account_id: int
    issued_at: int
    nonce: str


@dataclass(frozen=True, slots=True)
class Signer:
    key: bytes
    clock: Callable[[], float] = time.time
    max_age: int = SESSION_MAX_AGE

    def _mac(self, purpose: str, message: str) -> str:
        return hmac.new(self.key, f"{purpose}:{message}".encode(), hashlib.sha256).hexdigest()

    def issue(self, account_id: int) -> str:
        body = f"{account_id}.{int(self.clock())}.{secrets.token_hex(16)}"
        return f"{body}.{self._mac('session', body)}"

    def read(self, cookie: str | None) -> Session | None:
        """The session the cookie carries, if it is ours and not expired."""
        if not cookie:
            return None
        body, _, mac = cookie.rpartition(".")
        if not hmac.compare_digest(self._mac("session", body), mac):
            return None
        try:
            account, issued, nonce = body.split(".")
            session = Session(int(account), int(issued), nonce)
        except ValueError:
            return None
        if self.clock() - session.issued_at > self.max_age:
            return None
        return session

    def csrf(self, session_nonce: str) -> str:
        return self._mac("csrf", session_nonce)

    def check_csrf(self, session_nonce: str, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf(session_nonce), token or "")


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


@dataclass(slots=True)
class RateLimiter:
    """``capacity`` requests at once, refilled at ``per_second``; one bucket per key."""

    capacity: float
    per_second: float
    clock: Callable[[], float] = time.monotonic
    max_keys: int = 50_000
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def allow(self, key: str) -> bool:
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_keys:
                self._buckets.clear()  # a flood of keys must not grow memory without end
            bucket = self._buckets[key] = _Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.per_second)
        bucket.updated = now
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True
