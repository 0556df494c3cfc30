"""The delivery job: claim due outbox rows with a lease, send each, commit the server's reply at once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from config.settings import Settings
from core.db import utcnow
from core.jobs import JobContext
from core.jobs.runner import job_app, process_gone, process_owner
from core.mail.message import Attachment, build
from core.mail.transport import Reply, Transport, transport_for
from core.notifications.models import OutboxMessage
from core.publication.models import PublicationFile
from core.tenancy import current_session, current_tenant_id
from core.tenants.models import Tenant

BATCH = 20
# A batch must be sent within its lease (20 messages, each bounded by the transport's timeout): a row whose lease
# runs out before it is sent is left for another sender.
LEASE = timedelta(minutes=10)
SAFETY = timedelta(seconds=30)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=2)
PENDING = ("queued", "retrying")
# SQLite has no SKIP LOCKED: there one sender per process runs at a time (the embedded default has one process).
_sqlite_sender = threading.Lock()


def backoff(attempts: int) -> timedelta:
    """How long a row waits after its ``attempts``-th 4xx reply: 1, 2, 4, … minutes, at most two hours."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LAST_RETRY)


def _due(moment: datetime, dead_owners: list[str]) -> ColumnElement[bool]:
    free = or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < moment)
    if dead_owners:
        free = or_(free, OutboxMessage.lease_owner.in_(dead_owners))
    return (
        OutboxMessage.status.in_(PENDING)
        & or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= moment)
        & free
    )


def _dead_owners(db: Session, moment: datetime) -> list[str]:
    """Senders holding live leases that are processes on this host that no longer run (killed mid-batch)."""
    owners = db.scalars(
        select(OutboxMessage.lease_owner)
        .where(OutboxMessage.status.in_(PENDING), OutboxMessage.lease_until >= moment)
        .distinct()
    )
    return [owner for owner in owners if owner and process_gone(owner)]


def has_due(db: Session, moment: datetime | None = None) -> bool:
    """Whether the current tenant has rows a sender should take now."""
    moment = moment or utcnow()
    return db.scalar(select(OutboxMessage.id).where(_due(moment, _dead_owners(db, moment))).limit(1)) is not None


def claim(db: Session, owner: str, moment: datetime, limit: int = BATCH) -> list[OutboxMessage]:
    """Lease up to ``limit`` due rows to ``owner`` and commit: no other sender takes them until the lease ends."""
    rows = db.scalars(
        select(OutboxMessage)
        .where(_due(moment, _dead_owners(db, moment)))
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        row.lease_owner, row.lease_until = owner, moment + LEASE
    db.commit()
    return list(rows)


def record(row: OutboxMessage, reply: Reply, at: datetime) -> str:
    """Put the server's reply on the row (and end its lease); returns the row's new status."""
    row.attempts += 1
    row.last_attempt_at, row.reply_code, row.reply = at, reply.code, reply.text[:500]
    row.lease_owner = row.lease_until = row.next_attempt_at = None
    if reply.accepted:
        row.status, row.sent_at = "sent", at
    elif reply.permanent or row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
    else:
        row.status, row.next_attempt_at = "retrying", at + backoff(row.attempts)
    return row.status


def _release(db: Session, rows: list[OutboxMessage], owner: str) -> None:
    """Hand back the leases of rows this sender did not get to (it stops on an error)."""
    db.rollback()
    db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_([row.id for row in rows]), OutboxMessage.lease_owner == owner)
        .values(lease_owner=None, lease_until=None)
    )
    db.commit()


@contextmanager
def _one_sender(db: Session) -> Iterator[None]:
    if db.get_bind().dialect.name == "sqlite":
        with _sqlite_sender:
            yield
    else:
        yield


def send_due(db: Session, settings: Settings, *, now: datetime | None = None, job: JobContext | None = None) -> dict:
    """Send every row of the current tenant that is due at ``now`` (default: the clock); returns counts by outcome."""
    tenant = db.get(Tenant, current_tenant_id())
    sender_name = tenant.mail_sender_name or tenant.name
    owner = process_owner()
    totals: Counter[str] = Counter()
    files: dict[int, Attachment] = {}  # a picture's attachment, read once for all its recipients
    transport = transport_for(settings)
    with _one_sender(db):
        try:
            while rows := claim(db, owner, now or utcnow()):
                for index, row in enumerate(rows):
                    if row.lease_until - SAFETY < utcnow():
                        _release(db, rows[index:], owner)  # too slow: leave the rest to another sender
                        break
                    try:
                        totals[_send(db, transport, row, settings, sender_name, files)] += 1
                    except BaseException:
                        _release(db, rows[index:], owner)
                        raise
                if job is not None:
                    job.progress(sum(totals.values()))
        finally:
            transport.close()
    return dict(totals)


def _send(
    db: Session, transport: Transport, row: OutboxMessage, settings: Settings, sender_name: str,
    files: dict[int, Attachment],
) -> str:  # fmt: skip
    attachment = None
    if row.attachment_id is not None:
        if row.attachment_id not in files:
            stored = db.get(PublicationFile, row.attachment_id)
            files[row.attachment_id] = Attachment(stored.filename, stored.content_type, stored.content)
        attachment = files[row.attachment_id]
    data = build(row, mail_from=settings.mail_from, sender_name=sender_name, attachment=attachment)
    reply = transport.send(settings.mail_from, row.to_address, data)
    status = record(row, reply, utcnow())
    db.commit()  # at once: between the server's acceptance and this commit lies the one duplicate window
    return status


def deliver(job: JobContext, now: str | None = None) -> dict:
    """The delivery job of one tenant (idempotent: a second run finds nothing due)."""
    moment = datetime.fromisoformat(now) if now else None
    return send_due(current_session(), job_app().config["EST"], now=moment, job=job)
