"""Distribution lists and their recipients (functions, not persons)."""

from __future__ import annotations

from sqlalchemy import Boolean, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
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
    __tablename__ = "distribution_recipients"
    __table_args__ = (
        tenant_unique_id(),
        UniqueConstraint("tenant_id", "list_id", "email"),
        tenant_fk("list_id", "distribution_lists", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
