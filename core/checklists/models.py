"""Checklist versions. A published version's content never changes; reports point at the version they used."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, synonym

from core.db import Base, UTCDateTime, utcnow
from core.tenancy import TenantScoped
from core.tenancy_keys import tenant_unique_id
from core.workflow.machines import CHECKLIST_VERSION
from core.workflow.versioned import Stateful


class ChecklistVersion(TenantScoped, Stateful, Base):
    """``content``: ``{"sections": [{key, title, answered_by, items: [{key, text, theme, positive, help,
    crime_code, retired}]}]}``. ``status``: draft → published → superseded."""

    machine = CHECKLIST_VERSION
    __tablename__ = "checklist_versions"
    __table_args__ = (tenant_unique_id(), UniqueConstraint("tenant_id", "number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    state = synonym("status")
    variant: Mapped[str] = mapped_column(String(63))
    note: Mapped[str] = mapped_column(String(500), default="")
    content: Mapped[dict] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
