"""The one interface for telling a member something (see the package docstring)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core.accounts.models import Membership, User
from core.db import utcnow
from core.i18n import _, use_locale
from core.notifications.models import Notification, OutboxMessage


def notify(
    session: Session,
    membership: Membership,
    *,
    kind: str,
    key: str,
    subject: str,
    body: str,
    params: dict[str, Any] | None = None,
) -> bool:
    """In-app notification plus a queued e-mail, once per ``key``. Returns whether anything was new.

    ``subject`` and ``body`` are message ids (mark them with ``core.i18n.N_``), written here in the recipient's own
    language (Swedish unless they chose otherwise) with ``params`` filled in; a datetime parameter is written by
    Babel for that language, in the datetime's own time zone."""
    if session.scalar(select(Notification.id).where(Notification.key == key)) is not None:
        return False
    email, locale = session.execute(select(User.email, User.locale).where(User.id == membership.user_id)).one()
    with use_locale(locale):
        subject, body = _(subject, **(params or {})), _(body, **(params or {}))
    session.add(Notification(membership_id=membership.id, kind=kind, key=key, subject=subject, body=body))
    if email:
        session.add(OutboxMessage(key=key, to_address=email, subject=subject, body=body))
    session.flush()
    return True


def of_member(membership_id: int | None) -> Select:
    """A member's own notifications (none for a platform administrator acting without a membership)."""
    return select(Notification).where(Notification.membership_id == membership_id)


def unread(session: Session, membership_id: int | None, limit: int) -> list[Notification]:
    """A member's unread notifications, newest first, at most ``limit`` (what a home page shows)."""
    statement = of_member(membership_id).where(Notification.read_at.is_(None)).order_by(Notification.id.desc())
    return list(session.scalars(statement.limit(limit)))


def mark_read(session: Session, membership_id: int | None, notification_id: int) -> Notification | None:
    """Mark one of a member's notifications read (once: the first reading time stays); ``None`` when it is not
    theirs. The caller commits."""
    notification = session.scalar(of_member(membership_id).where(Notification.id == notification_id))
    if notification is not None:
        notification.read_at = notification.read_at or utcnow()
    return notification
