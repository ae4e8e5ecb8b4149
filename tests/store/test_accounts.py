"""Accounts, passwords and API tokens, against a real PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

import psycopg
import pytest

from pluriel.store import registry
from pluriel.store.accounts import (
    AccountError,
    Actor,
    actor_for_account,
    actor_for_key,
    authenticate,
    create_account,
    create_token,
    hash_password,
    list_tokens,
    needs_rehash,
    revoke_token,
    verify_password,
    verify_token,
)

Conn = psycopg.Connection[dict[str, Any]]


def test_password_hashes_are_salted_self_describing_and_verified() -> None:
    first, second = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert first != second
    assert first.startswith("scrypt$n=16384,r=8,p=1$")
    assert verify_password("correct horse battery", first)
    assert not verify_password("correct horse batterY", first)
    assert not verify_password("anything", "md5$abc")
    assert not verify_password("anything", "scrypt$garbage")
    assert not needs_rehash(first)
    weaker = hash_password("correct horse battery", n=2**10)
    assert verify_password("correct horse battery", weaker)
    assert needs_rehash(weaker)
    assert needs_rehash("pbkdf2$whatever")


def test_accounts_have_unique_case_insensitive_emails(conn: Conn) -> None:
    inst = registry.add_institution(conn, "kinneksbond", name="Kinneksbond", country="LU")
    account = create_account(
        conn, email=" Anne@Kinneksbond.LU ", password="s3cret-enough", institution_id=inst.id
    )
    assert (account.email, account.institution_id, account.role) == (
        "anne@kinneksbond.lu",
        inst.id,
        "member",
    )
    with pytest.raises(AccountError, match="already exists"):
        create_account(
            conn, email="ANNE@kinneksbond.lu", password="another-secret", institution_id=inst.id
        )
    with pytest.raises(AccountError, match="at least 10"):
        create_account(conn, email="b@kinneksbond.lu", password="short", institution_id=inst.id)
    with pytest.raises(AccountError, match="not an email"):
        create_account(conn, email="nobody", password="long-enough-1", institution_id=inst.id)
    assert authenticate(conn, "anne@KINNEKSBOND.lu", "s3cret-enough") == account
    assert authenticate(conn, "anne@kinneksbond.lu", "wrong password") is None
    assert authenticate(conn, "nobody@kinneksbond.lu", "s3cret-enough") is None


def test_login_upgrades_an_outdated_hash(conn: Conn) -> None:
    inst = registry.add_institution(conn, "cape", name="CAPE", country="LU")
    account = create_account(
        conn, email="x@cape.lu", password="old-params-pw", institution_id=inst.id
    )
    conn.execute(
        "update account set password_hash = %s where id = %s",
        (hash_password("old-params-pw", n=2**10), account.id),
    )
    assert authenticate(conn, "x@cape.lu", "old-params-pw") == account
    row = conn.execute("select password_hash from account where id = %s", (account.id,)).fetchone()
    assert row is not None
    assert not needs_rehash(row["password_hash"])


def test_moderators_belong_to_a_region(conn: Conn) -> None:
    moderator = create_account(
        conn, email="mod@pluriel.eu", password="moderate-well", role="moderator", region="LU"
    )
    actor = actor_for_account(moderator)
    assert actor == Actor(
        label=f"account:{moderator.id}",
        account_id=moderator.id,
        role="moderator",
        region="LU",
        scopes=frozenset({"events:write", "events:moderate", "read"}),
    )
    assert actor.is_moderator
    with pytest.raises(AccountError, match="belongs to an institution"):
        create_account(conn, email="m@pluriel.eu", password="member-no-home")


def test_tokens_are_shown_once_stored_hashed_verified_and_revoked(
    conn: Conn, now: datetime
) -> None:
    inst = registry.add_institution(conn, "rotondes", name="Rotondes", country="LU")
    created = create_token(conn, institution_id=inst.id, now=now)
    prefix, secret = created.token.removeprefix("plr_").split("_", 1)
    assert prefix == created.key.prefix
    row = conn.execute("select secret_hash, scopes from api_key where prefix = %s", (prefix,))
    stored = row.fetchone()
    assert stored == {
        "secret_hash": hashlib.sha256(secret.encode()).hexdigest(),
        "scopes": ["events:write"],
    }
    assert secret not in str(stored)

    later = now + timedelta(minutes=5)
    key = verify_token(conn, created.token, now=later)
    assert key is not None
    assert (key.id, key.institution_id, key.scopes, key.last_used_at) == (
        created.key.id,
        inst.id,
        ("events:write",),
        later,
    )
    assert actor_for_key(key) == Actor(
        label=f"token:{prefix}", institution_id=inst.id, scopes=frozenset({"events:write"})
    )
    assert verify_token(conn, created.token[:-1] + "x", now=later) is None
    assert verify_token(conn, f"plr_00000000_{secret}", now=later) is None
    assert verify_token(conn, "Bearer nonsense", now=later) is None

    other = registry.add_institution(conn, "neimenster", name="neimënster", country="LU")
    assert revoke_token(conn, prefix, now=later, institution_id=other.id) is False
    assert revoke_token(conn, prefix, now=later, institution_id=inst.id) is True
    assert revoke_token(conn, prefix, now=later) is False
    assert verify_token(conn, created.token, now=later) is None
    assert [k.revoked_at for k in list_tokens(conn, institution_id=inst.id)] == [later]


def test_token_scopes_and_owners_are_checked(conn: Conn, now: datetime) -> None:
    portal = create_token(conn, portal="visitluxembourg", now=now)
    assert portal.key.scopes == ("read",)
    inst = registry.add_institution(conn, "trifolion", name="Trifolion", country="LU")
    moderating = create_token(
        conn, institution_id=inst.id, scopes=["events:write", "events:moderate"], now=now
    )
    assert moderating.key.scopes == ("events:moderate", "events:write")
    with pytest.raises(AccountError, match="unknown scopes"):
        create_token(conn, institution_id=inst.id, scopes=["admin"])
    with pytest.raises(AccountError, match="exactly one"):
        create_token(conn, institution_id=inst.id, portal="both")


def test_tokens_from_the_cli_format_verify(conn: Conn, now: datetime) -> None:
    """``pluriel token create`` writes the same row shape: its tokens work here."""
    inst = registry.add_institution(conn, "mudam", name="Mudam", country="LU")
    secret = "cli-made-secret"
    conn.execute(
        "insert into api_key (prefix, secret_hash, institution_id, scopes)"
        " values ('abcd1234', %s, %s, '{events:write}')",
        (hashlib.sha256(secret.encode()).hexdigest(), inst.id),
    )
    key = verify_token(conn, f"plr_abcd1234_{secret}", now=now)
    assert key is not None
    assert key.institution_id == inst.id
