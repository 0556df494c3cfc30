"""Users and API tokens (platform level); memberships and invitations (tenant-owned)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
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
    # The user's own language (core.i18n.LOCALES); None: Accept-Language decides, then Swedish.
    locale: Mapped[str | None] = mapped_column(String(2), CheckConstraint("locale IN ('sv', 'en')", name="locale"))


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


class InvitationState(StrEnum):
    """``expired`` is never stored: a pending invitation past its expiry is reported as expired."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"
    EXPIRED = "expired"


PENDING_ONLY = text("state = 'pending'")


class Invitation(TenantScoped, Base):
    """An invitation to join the tenant with a role. The account joins only when the owner of the e-mail accepts
    it with the secret token that was sent there; only the token's SHA-256 is kept. One pending invitation per
    e-mail and tenant: inviting again refreshes it."""

    __tablename__ = "invitations"
    __table_args__ = (
        tenant_unique_id(),
        UniqueConstraint("tenant_id", "token_hash"),
        Index(
            "uq_invitations_tenant_id_email_pending",
            "tenant_id",
            "email",
            unique=True,
            sqlite_where=PENDING_ONLY,
            postgresql_where=PENDING_ONLY,
        ),
        tenant_fk("organisation_id", "organisations"),
        tenant_fk("reporter_function_id", "reporter_functions"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(nullable=True)
    reporter_function_id: Mapped[int | None] = mapped_column(nullable=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20), default=InvitationState.PENDING.value)
    invited_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    def state_at(self, now: datetime) -> InvitationState:
        if self.state == InvitationState.PENDING and self.expires_at <= now:
            return InvitationState.EXPIRED
        return InvitationState(self.state)
