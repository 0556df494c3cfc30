"""In-app notifications and the e-mail outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow
from core.tenancy import TenantScoped
from core.tenancy_keys import tenant_fk, tenant_unique_id


class Notification(TenantScoped, Base):
    __tablename__ = "notifications"
    __table_args__ = (
        tenant_unique_id(),
        UniqueConstraint("tenant_id", "key"),
        tenant_fk("membership_id", "memberships", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    # Idempotency key, e.g. "reminder:<cycle id>:<membership id>".
    key: Mapped[str] = mapped_column(String(120))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class OutboxMessage(TenantScoped, Base):
    """One e-mail to one recipient; ``key`` names the subject and the recipient, so queuing is idempotent.

    Delivery (``core.mail``) moves it ``queued`` -> ``sent`` | ``retrying`` (a 4xx reply, due again at
    ``next_attempt_at``) | ``failed`` (a 5xx reply, or too many 4xx). A sender holds it while ``lease_until`` is in
    the future; ``reply_code``/``reply`` keep the server's last answer.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        tenant_unique_id(),
        UniqueConstraint("tenant_id", "key"),
        Index("ix_outbox_tenant_id_status", "tenant_id", "status"),
        Index("ix_outbox_tenant_id_lagesbild_id", "tenant_id", "lagesbild_id"),
        tenant_fk("lagesbild_id", "lagesbilder", ondelete="CASCADE"),
        tenant_fk("attachment_id", "publication_files", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # An HTML alternative to the plain-text ``body``.
    html_body: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # "host:pid" of the sender holding the row, until lease_until.
    lease_owner: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reply_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reply: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # A picture's distribution (core.publication): which picture, which version of it (internal | public), the
    # file attached to it, and for a reporter the one-click opt-out address (List-Unsubscribe, RFC 8058).
    lagesbild_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    audience: Mapped[str | None] = mapped_column(String(10), nullable=True)
    attachment_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
