"""Passwords (argon2), credentials (API tokens and web sessions: random secrets stored as SHA-256) and users.

On PostgreSQL the application role cannot read a password or a secret's digest: the checks go through the
SECURITY DEFINER functions of migration 0006. On SQLite (one process, no second wall) the same checks are plain
queries. Each need has one entry point here that picks its way by dialect.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import hash_secret
from sqlalchemy import FromClause, Integer, Row, Select, Subquery, bindparam, column, delete, func, select, true
from sqlalchemy.orm import Session

from core.accounts.models import ApiToken, Membership, User
from core.accounts.passwords import check_password_policy
from core.db import UTCDateTime, attach, utcnow
from core.tenancy import platform_scope

TOKEN, SESSION = "token", "session"

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so a wrong address costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _password_setting(session: Session, email: str) -> str | None:
    """The argon2 parameters and salt of ``email``'s password hash (everything but the hash itself)."""
    if _is_postgresql(session):
        return session.scalar(select(column("setting")).select_from(func.est_password_salt(email)))
    stored = session.scalar(select(User.__table__.c.password_hash).where(User.email == email))
    return None if stored is None else stored.rsplit("$", 1)[0]


def _password_holder(session: Session, email: str, candidate: str) -> int | None:
    """The id of the user ``email`` whose stored hash is ``candidate``."""
    if _is_postgresql(session):
        return session.scalar(select(column("user_id")).select_from(func.est_password_check(email, candidate)))
    table = User.__table__
    return session.scalar(select(table.c.id).where(table.c.email == email, table.c.password_hash == candidate))


def _argon2(password: str, setting: str) -> str:
    """``password`` hashed with the parameters and salt of ``setting`` (an encoded argon2 hash without its hash
    part): equal to the stored hash exactly when the password is right. est writes every hash with ``_hasher``,
    so the hash length is its."""
    _, variant, _, costs, salt = setting.split("$")
    cost = dict(part.split("=") for part in costs.split(","))
    encoded = hash_secret(
        password.encode(),
        _b64decode(salt),
        time_cost=int(cost["t"]),
        memory_cost=int(cost["m"]),
        parallelism=int(cost["p"]),
        hash_len=_hasher.hash_len,
        type=Type[variant.removeprefix("argon2").upper()],
    )
    return encoded.decode()


def _b64decode(value: str) -> bytes:
    return base64.b64decode(value + "=" * (-len(value) % 4))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password. The stored hash is never read: the password is hashed with
    the stored salt and parameters and the result compared in the database."""
    email = normalise_email(email)
    setting = _password_setting(session, email)
    if not setting:
        try:
            _hasher.verify(_DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            pass
        return None
    try:
        candidate = _argon2(password, setting)
    except (ValueError, KeyError):
        return None  # not an argon2 hash est wrote
    user_id = _password_holder(session, email, candidate)
    user = None if user_id is None else session.get(User, user_id)
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(candidate):
        _store_password(session, user.id, password)
    return user


def set_password(session: Session, user: User, password: str, *, demo: bool = False) -> None:
    """THE way a password is set (a reset or a change): it must meet the policy (``core.accounts.passwords``) unless
    ``demo`` (only ``est demo`` seeds accounts with its well-known demo password), and every token and web session
    of the user ends with it."""
    if not demo:
        check_password_policy(password, email=user.email)
    session.flush()
    _store_password(session, user.id, password)
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))


def _store_password(session: Session, user_id: int, password: str) -> None:
    users = User.__table__
    session.execute(users.update().where(users.c.id == user_id).values(password_hash=hash_password(password)))


def revoke_credential(session: Session, user_id: int, credential_id: int, kind: str) -> bool:
    """End one token or session of ``user_id``: whether it was one of theirs, of that kind."""
    mine = ApiToken.id == credential_id, ApiToken.user_id == user_id, ApiToken.kind == kind
    return session.execute(delete(ApiToken).where(*mine)).rowcount > 0


def upsert_user(
    session: Session, email: str, password: str, *, platform_admin: bool | None = None, demo: bool = False
) -> User:
    """Create the user, or reset the password of an existing one. ``platform_admin`` None keeps the flag as it is
    (a new user is not a platform admin). The password goes through :func:`set_password` (``demo`` as there)."""
    email = normalise_email(email)
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, is_platform_admin=False)
        session.add(user)
    set_password(session, user, password, demo=demo)
    if platform_admin is not None:
        user.is_platform_admin = platform_admin
    user.active = True
    session.flush()
    return user


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_credential(
    session: Session, user: User, kind: str, ttl: timedelta, name: str | None = None
) -> tuple[str, ApiToken]:
    """A new token or session for ``user``: returns its secret (shown once, stored only as a digest) and row."""
    secret, now, table = secrets.token_urlsafe(32), utcnow(), ApiToken.__table__
    values = {"user_id": user.id, "kind": kind, "name": name, "created_at": now, "expires_at": now + ttl}
    insert = table.insert().values({**values, "token_hash": digest(secret)}).returning(table.c.id)
    values["id"] = session.execute(insert).scalar_one()
    return secret, attach(session, ApiToken, {**values, "last_used_at": None})


def issue_token(session: Session, user: User, ttl_days: int, name: str | None = None) -> tuple[str, ApiToken]:
    return issue_credential(session, user, TOKEN, timedelta(days=ttl_days), name)


_USER_COLUMNS = tuple(User.__mapper__.columns)
_CREDENTIAL_COLUMNS = (column("id", Integer), column("user_id", Integer), column("last_used_at", UTCDateTime()))


def _credential(dialect: str) -> FromClause:
    """The unexpired credential with digest ``:digest`` and kind ``:kind`` (id, user_id, last_used_at)."""
    if dialect == "postgresql":
        call = func.est_credential(bindparam("digest"), bindparam("kind"))
        return call.table_valued(*_CREDENTIAL_COLUMNS).alias("credential")
    table = ApiToken.__table__
    return (
        select(table.c.id, table.c.user_id, table.c.last_used_at)
        .where(table.c.token_hash == bindparam("digest"), table.c.kind == bindparam("kind"))
        .where(table.c.expires_at > bindparam("now"))
        .subquery("credential")
    )


@cache
def _credential_user(dialect: str) -> Select:
    """The active user of the credential (``token_parameters``), with its id and last use: one statement."""
    credential = _credential(dialect)
    return (
        select(*_USER_COLUMNS, credential.c.id.label("credential_id"), credential.c.last_used_at.label("used_at"))
        .join_from(credential, User, User.id == credential.c.user_id)
        .where(User.active)
    )


@cache
def _credential_user_joinable(dialect: str) -> Subquery:
    return _credential_user(dialect).subquery("credential_user")


def token_parameters(secret: str, kind: str = TOKEN) -> dict[str, Any]:
    """The parameters of the credential queries (:func:`with_token_user`)."""
    return {"digest": digest(secret), "kind": kind, "now": utcnow()}


def with_token_user(statement: Select, dialect: str) -> Select:
    """``statement`` (one row, platform tables) with the columns of the active user of an unexpired token
    (``token_parameters``) as ``user_*``, NULL when there is none: authenticating costs no round trip of its own."""
    joined = _credential_user_joinable(dialect)
    columns = (c.label(f"user_{c.key}") for c in joined.c)
    return statement.add_columns(*columns).outerjoin(joined, true())


def user_from(session: Session, row: Row, prefix: str = "") -> User | None:
    """The user in a row of the credential query (or, ``prefix="user_"``, of :func:`with_token_user`), put into
    the Session as if loaded; its credential's id and last use are kept on ``session.info``."""
    values = row._mapping
    if values[f"{prefix}id"] is None:
        return None
    session.info["est_credential"] = (values[f"{prefix}credential_id"], values[f"{prefix}used_at"])
    return attach(session, User, {c.key: values[f"{prefix}{c.key}"] for c in _USER_COLUMNS})


def user_for_credential(session: Session, secret: str, kind: str = TOKEN) -> User | None:
    """The active user of an unexpired token or session (one plain statement)."""
    dialect = session.get_bind().dialect.name
    row = session.connection().execute(_credential_user(dialect), token_parameters(secret, kind)).first()
    return None if row is None else user_from(session, row)


USE_RESOLUTION = timedelta(minutes=1)


def note_use(session: Session, now: datetime | None = None) -> None:
    """Record when the request's credential was last used — at most once a minute, in its own short transaction
    (so that a read-only request still records it and the hot path seldom pays a write)."""
    credential = session.info.get("est_credential")
    now = now or utcnow()
    if credential is None or (credential[1] is not None and now - credential[1] < USE_RESOLUTION):
        return
    with session.get_bind().begin() as connection:
        connection.execute(ApiToken.__table__.update().where(ApiToken.id == credential[0]).values(last_used_at=now))


def caller_memberships(session: Session, user: User, secret_digest: str) -> list[tuple[int, str]]:
    """(tenant id, role) of every membership of ``user``, who holds the credential ``secret_digest``: the one read
    of memberships across tenants."""
    if _is_postgresql(session):
        call = func.est_caller_memberships(secret_digest).table_valued(column("tenant_id"), column("role"))
        return [(row.tenant_id, row.role) for row in session.execute(select(call.c.tenant_id, call.c.role))]
    with platform_scope("a user's own memberships across tenants"):
        rows = session.execute(select(Membership.tenant_id, Membership.role).where(Membership.user_id == user.id))
        return [(tenant_id, role) for tenant_id, role in rows]
