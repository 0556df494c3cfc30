"""Lägesbilder and the per-area assessments made in them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, synonym

from core.db import Base, UTCDateTime, utcnow
from core.tenancy import TenantScoped
from core.tenancy_keys import tenant_fk, tenant_unique_id
from core.workflow.machines import LAGESBILD
from core.workflow.versioned import Stateful


class Lagesbild(TenantScoped, Stateful, Base):
    """A situation picture for one scope (the tenant, an area, or a leg's own reports) and period.

    ``kind``: weekly | fortnightly | monthly | quarterly | tertial | annual. Weekly pictures belong to a cycle step.
    ``status``: draft → compiled → assessed → published. A published picture never changes: editing it makes a
    new version (``version`` + 1, ``supersedes_id`` pointing back).
    """

    machine = LAGESBILD
    __tablename__ = "lagesbilder"
    __table_args__ = (
        tenant_unique_id(),
        UniqueConstraint("tenant_id", "series", "version"),
        tenant_fk("cycle_id", "cycles"),
        tenant_fk("area_id", "areas"),
        tenant_fk("supersedes_id", "lagesbilder"),
        Index("ix_lagesbilder_tenant_cycle", "tenant_id", "cycle_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Identifies one picture across its versions, e.g. "cycle:12:gemensam" or "quarterly:2024-Q1:tenant".
    series: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(10))
    leg: Mapped[str | None] = mapped_column(String(30), nullable=True)
    area_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cycle_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    step: Mapped[str | None] = mapped_column(String(63), nullable=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    state = synonym("status")
    statistics: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    assessment: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    compiled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    compiled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # While the picture's distribution is due: the address the publisher reached est at (migration 0017).
    distribute_via: Mapped[str | None] = mapped_column(String(300), nullable=True)
    # When the housekeeping sweep may queue that distribution again (``core.publication.trigger.sweep``).
    distribution_retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AreaAssessment(TenantScoped, Base):
    """An assessment of one area at one time: a colour on the tenant's scale (weekly), a priority 1–4
    (quarterly/tertial), or a risk value (Växjö's meeting). Kept as a history per area."""

    __tablename__ = "area_assessments"
    __table_args__ = (
        tenant_unique_id(),
        tenant_fk("area_id", "areas"),
        tenant_fk("lagesbild_id", "lagesbilder", ondelete="CASCADE"),
        tenant_fk("cycle_id", "cycles"),
        Index("ix_area_assessments_tenant_area", "tenant_id", "area_id", "scale", "assessed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(Integer)
    lagesbild_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cycle_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    scale: Mapped[str] = mapped_column(String(10))  # colour | priority | risk
    value: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    assessed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
