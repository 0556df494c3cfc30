"""Cycles: one per tenant and reporting period, moving collecting → compiling → assessed → published → closed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow
from core.tenancy import TenantScoped
from core.tenancy_keys import tenant_fk, tenant_unique_id
from core.workflow.machines import CYCLE, CycleState
from core.workflow.versioned import Stateful

# A period's reports can be corrected while it collects, and while it compiles until a first picture of it is
# compiled; after that they are part of a picture. (New, late reports are always accepted.)
OPEN_FOR_EDITS = frozenset({CycleState.COLLECTING, CycleState.COMPILING})


class Cycle(TenantScoped, Stateful, Base):
    machine = CYCLE
    __tablename__ = "cycles"
    __table_args__ = (tenant_unique_id(), UniqueConstraint("tenant_id", "period"))

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(8))
    period_start: Mapped[date] = mapped_column(Date)
    weeks: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(20), default=CycleState.COLLECTING.value)
    # Model A: the leg that compiles the joint picture this period (rotating).
    compiler_leg: Mapped[str | None] = mapped_column(String(30), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Meeting(TenantScoped, Base):
    """The record of a meeting where a group produced the picture (model C): who took part, by function."""

    __tablename__ = "meetings"
    __table_args__ = (
        tenant_unique_id(),
        UniqueConstraint("tenant_id", "cycle_id"),
        tenant_fk("cycle_id", "cycles", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(Integer)
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    form: Mapped[str] = mapped_column(String(20), default="physical")  # physical | phone | video
    # [{"organisation": key, "function": "Områdespolis"}]; guests: [{"organisation": "Skolan X", "function": …}]
    attendees: Mapped[list] = mapped_column(JSON, default=list)
    guests: Mapped[list] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(String(4000), default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
