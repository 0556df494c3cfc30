"""Users and API tokens (platform level) and memberships (tenant-owned)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, Unmapped, mapped_column, unmapped_column

from core.db import Base, UTCDateTime, utcnow
from core.tenancy import TenantScoped
from core.tenancy_keys import tenant_fk, tenant_unique_id


class Role(StrEnum):
    """Per-tenant roles, each including the rights of those before it."""

    REPORTER = "reporter"
    COORDINATOR = "coordinator"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # A column of the table but not of the mapping, so that no ORM query selects it (the application role cannot:
    # migration 0006): ``core.accounts.service.set_password`` writes it, ``authenticate`` checks it.
    password_hash: Unmapped[str] = unmapped_column(String(200), default="")
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiToken(Base):
    """A credential: an API token (``kind`` "token") or a web session ("session"). Deleting the row ends it."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="token", server_default="token")
    name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # SHA-256 of the secret: secrets are 256-bit random, so a fast hash is enough and lookups stay O(1). A column
    # of the table but not of the mapping, so that no ORM query selects it (the application role cannot: migration
    # 0006); ``core.accounts.service`` writes it with a plain INSERT and looks it up through ``est_credential``.
    token_hash: Unmapped[str] = unmapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Membership(TenantScoped, Base):
    """A user's role in one tenant, optionally tied to the organisation and reporter function they act for."""

    __tablename__ = "memberships"
    __table_args__ = (
        tenant_unique_id(),
        UniqueConstraint("tenant_id", "user_id"),
        tenant_fk("organisation_id", "organisations"),
        tenant_fk("reporter_function_id", "reporter_functions"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(nullable=True)
    reporter_function_id: Mapped[int | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
