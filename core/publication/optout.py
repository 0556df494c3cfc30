"""Reporters' one-click opt-out: a signed token naming the tenant and the membership, no login needed.

The token is signed with the instance's secret key and bound to its tenant: it is checked against the tenant whose
address it is used at, so another tenant's token (or a tampered one) records nothing. Recording is idempotent.
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.accounts.models import Membership
from core.publication.models import ReporterOptOut

SALT = "est.reporter-opt-out"


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=SALT)


def token_for(secret_key: str, tenant_id: int, membership_id: int) -> str:
    return _serializer(secret_key).dumps([tenant_id, membership_id])


def membership_of(session: Session, secret_key: str, tenant_id: int, token: str) -> Membership | None:
    """The current tenant's membership the token names, or ``None`` for a tampered token, another tenant's, or a
    membership that is gone."""
    if len(token) > 200:
        return None
    try:
        payload = _serializer(secret_key).loads(token)
    except BadSignature:
        return None
    if not (isinstance(payload, list) and len(payload) == 2 and all(type(n) is int for n in payload)):
        return None
    if payload[0] != tenant_id:
        return None
    return session.scalar(select(Membership).where(Membership.id == payload[1]))


def opted_out(session: Session, membership_ids: list[int]) -> set[int]:
    """Which of ``membership_ids`` opted out."""
    if not membership_ids:
        return set()
    found = session.scalars(
        select(ReporterOptOut.membership_id).where(ReporterOptOut.membership_id.in_(membership_ids))
    )
    return set(found)


def opt_out(session: Session, membership: Membership) -> None:
    """Record the opt-out (once: a second click, or two at once, change nothing) and commit."""
    if opted_out(session, [membership.id]):
        return
    session.add(ReporterOptOut(membership_id=membership.id))
    try:
        session.commit()
    except IntegrityError:  # the same click twice at once: the other one recorded it
        session.rollback()
