"""What distributing a picture stores besides the outbox rows: its rendered files, and reporters' opt-outs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow
from core.tenancy import TenantScoped
from core.tenancy_keys import tenant_fk, tenant_unique_id


class PublicationFile(TenantScoped, Base):
    """A file attached to the messages of one version of a picture (the internal PDF): stored once, not once per
    recipient, and the same bytes on every attempt to deliver it."""

    __tablename__ = "publication_files"
    __table_args__ = (
        tenant_unique_id(),
        UniqueConstraint("tenant_id", "lagesbild_id", "audience", "filename"),
        tenant_fk("lagesbild_id", "lagesbilder", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lagesbild_id: Mapped[int] = mapped_column(Integer)
    audience: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReporterOptOut(TenantScoped, Base):
    """A reporter who no longer wants the published pictures as feedback (recorded by a one-click link)."""

    __tablename__ = "reporter_opt_outs"
    __table_args__ = (
        tenant_unique_id(),
        UniqueConstraint("tenant_id", "membership_id"),
        tenant_fk("membership_id", "memberships", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
