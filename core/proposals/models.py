"""Proposals and forwarding forms, tracked until answered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, synonym

from core.db import Base, UTCDateTime, utcnow
from core.tenancy import TenantScoped
from core.tenancy_keys import tenant_fk, tenant_unique_id
from core.workflow.machines import PROPOSAL
from core.workflow.versioned import Stateful


class Proposal(TenantScoped, Stateful, Base):
    """``kind``: proposal (to ``target_group``) | forwarding_form (to ``department``).
    ``status``: open → accepted | rejected (a group's decision) or answered (a department's reply)."""

    machine = PROPOSAL
    __tablename__ = "proposals"
    __table_args__ = (
        tenant_unique_id(),
        tenant_fk("cycle_id", "cycles"),
        tenant_fk("lagesbild_id", "lagesbilder"),
        tenant_fk("area_id", "areas"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    from_group: Mapped[str | None] = mapped_column(String(63), nullable=True)
    target_group: Mapped[str | None] = mapped_column(String(63), nullable=True)
    department: Mapped[str | None] = mapped_column(String(200), nullable=True)
    cycle_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    lagesbild_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    area_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    state = synonym("status")
    answer: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
