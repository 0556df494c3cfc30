"""Distribution lists and their recipients (functions, not persons)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow
from core.tenancy import TenantScoped
from core.tenancy_keys import tenant_fk, tenant_unique_id


class DistributionList(TenantScoped, Base):
    __tablename__ = "distribution_lists"
    __table_args__ = (tenant_unique_id(), UniqueConstraint("tenant_id", "key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(63))
    name: Mapped[str] = mapped_column(String(200))
    # "internal" (the detailed picture) or "public" (the general version that may be released).
    audience: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class DistributionRecipient(TenantScoped, Base):
    """An address, or a whole group of the org model (its members' addresses when the list is used, so the list
    keeps in step with the group)."""

    __tablename__ = "distribution_recipients"
    __table_args__ = (
        tenant_unique_id(),
        UniqueConstraint("tenant_id", "list_id", "email"),
        UniqueConstraint("tenant_id", "list_id", "group_id"),
        tenant_fk("list_id", "distribution_lists", ondelete="CASCADE"),
        tenant_fk("group_id", "groups", ondelete="CASCADE"),
        CheckConstraint("(email IS NULL) <> (group_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    group_id: Mapped[int | None] = mapped_column(nullable=True)
    # What the recipient is to the picture (one of core.distribution.FUNCTIONS), if said.
    function: Mapped[str | None] = mapped_column(String(40), nullable=True)


class DistributionChange(TenantScoped, Base):
    """Who changed a list, when, and what: the list itself (``created``, ``updated``) or one recipient
    (``added``, ``removed``, ``changed``, with its address)."""

    __tablename__ = "distribution_changes"
    __table_args__ = (
        tenant_unique_id(),
        tenant_fk("list_id", "distribution_lists", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(index=True)
    # None: the onboarding file.
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    detail: Mapped[str | None] = mapped_column(String(300), nullable=True)
