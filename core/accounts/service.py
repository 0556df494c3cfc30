"""Passwords (argon2), API tokens (random, stored as SHA-256) and users."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Row, Select, bindparam, select, true
from sqlalchemy.orm import Session

from core.accounts.models import ApiToken, User
from core.accounts.passwords import check_password_policy
from core.db import attach, utcnow

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so a wrong address costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def upsert_user(
    session: Session, email: str, password: str, *, platform_admin: bool | None = None, demo: bool = False
) -> User:
    """Create the user, or reset the password of an existing one. ``platform_admin`` None keeps the flag as it is
    (a new user is not a platform admin). The password must meet the policy (``core.accounts.passwords``) unless
    ``demo``: only ``est demo`` seeds accounts with its well-known demo password."""
    email = normalise_email(email)
    if not demo:
        check_password_policy(password, email=email)
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, password_hash="", is_platform_admin=False)
        session.add(user)
    user.password_hash = hash_password(password)
    if platform_admin is not None:
        user.is_platform_admin = platform_admin
    user.active = True
    session.flush()
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: User, ttl_days: int) -> tuple[str, ApiToken]:
    token = secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=_digest(token), expires_at=utcnow() + timedelta(days=ttl_days))
    session.add(row)
    session.flush()
    return token, row


_USER_COLUMNS = tuple(User.__table__.columns)
_TOKEN_USER = (
    select(*_USER_COLUMNS)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("digest"), ApiToken.expires_at > bindparam("now"), User.active)
)
_TOKEN_USER_JOINED = _TOKEN_USER.subquery("token_user")


def token_parameters(token: str) -> dict[str, Any]:
    """The parameters of the token queries (:func:`with_token_user`): the token's digest and the time now."""
    return {"digest": _digest(token), "now": utcnow()}


def with_token_user(statement: Select) -> Select:
    """``statement`` (one row, platform tables) with the columns of the active user of an unexpired token
    (``token_parameters``) as ``user_*``, NULL when there is none: authenticating costs no round trip of its own."""
    columns = (column.label(f"user_{column.key}") for column in _TOKEN_USER_JOINED.c)
    return statement.add_columns(*columns).outerjoin(_TOKEN_USER_JOINED, true())


def user_from(session: Session, row: Row, prefix: str = "") -> User | None:
    """The user in a row of the token query (or, ``prefix="user_"``, of :func:`with_token_user`), put into the
    Session as if loaded."""
    values = row._mapping
    if values[f"{prefix}id"] is None:
        return None
    return attach(session, User, {column.key: values[f"{prefix}{column.key}"] for column in _USER_COLUMNS})


def user_for_token(session: Session, token: str) -> User | None:
    """The active user of an unexpired token (one plain statement on platform tables)."""
    row = session.connection().execute(_TOKEN_USER, token_parameters(token)).first()
    return None if row is None else user_from(session, row)
