"""Passwords (argon2), API tokens (random, stored as SHA-256) and users."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.accounts.models import ApiToken, Membership, User
from core.db import attach, utcnow
from core.tenancy import current_tenant_id

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


def upsert_user(session: Session, email: str, password: str, *, platform_admin: bool | None = None) -> User:
    """Create the user, or reset the password of an existing one. ``platform_admin`` None keeps the flag as it is
    (a new user is not a platform admin)."""
    email = normalise_email(email)
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
_MEMBERSHIP_COLUMNS = tuple(Membership.__table__.columns)
_TOKEN_USER = (
    select(*_USER_COLUMNS)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("digest"), ApiToken.expires_at > bindparam("now"), User.active)
)
# The membership of the bound tenant only: the ON clause names it (this is a plain statement, which the ORM's
# tenancy criteria do not reach), and row-level security holds it on PostgreSQL.
_TOKEN_USER_AND_MEMBERSHIP = _TOKEN_USER.add_columns(
    *(column.label(f"membership_{column.key}") for column in _MEMBERSHIP_COLUMNS)
).outerjoin(Membership, (Membership.user_id == User.id) & (Membership.tenant_id == bindparam("tenant")))


def user_for_token(
    session: Session, token: str, *, with_membership: bool = False
) -> tuple[User | None, Membership | None]:
    """The active user of an unexpired token, and — ``with_membership``, when a tenant is bound — their membership
    of that tenant. One plain statement on platform tables (and the tenant's membership); the rows are put into the
    Session as if loaded (``core.db.attach``)."""
    parameters = {"digest": _digest(token), "now": utcnow()}
    if with_membership:
        parameters["tenant"] = current_tenant_id()
    statement = _TOKEN_USER_AND_MEMBERSHIP if with_membership else _TOKEN_USER
    row = session.connection().execute(statement, parameters).first()
    if row is None:
        return None, None
    values = row._mapping
    user = attach(session, User, {column.key: values[column.key] for column in _USER_COLUMNS})
    if not with_membership or values["membership_id"] is None:
        return user, None
    membership = {column.key: values[f"membership_{column.key}"] for column in _MEMBERSHIP_COLUMNS}
    return user, attach(session, Membership, membership)
