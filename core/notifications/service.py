"""The one interface for telling a member something (see the package docstring)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.models import Membership, User
from core.notifications.models import Notification, OutboxMessage


def notify(session: Session, membership: Membership, *, kind: str, key: str, subject: str, body: str) -> bool:
    """In-app notification plus a queued e-mail, once per ``key``. Returns whether anything was new."""
    if session.scalar(select(Notification.id).where(Notification.key == key)) is not None:
        return False
    session.add(Notification(membership_id=membership.id, kind=kind, key=key, subject=subject, body=body))
    email = session.scalar(select(User.email).where(User.id == membership.user_id))
    if email:
        session.add(OutboxMessage(key=key, to_address=email, subject=subject, body=body))
    session.flush()
    return True
