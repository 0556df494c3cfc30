"""The tenant registry (platform level: one row per onboarded municipality)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow

DEFAULT_SEVERITY_SCALE = ("Låg", "Måttlig", "Hög", "Mycket hög")
DEFAULT_ASSESSMENT_SCALE = ("Grön", "Gul", "Orange", "Röd")
DEFAULT_RISK_SCALE_MAX = 10
DEFAULT_PUBLIC_COUNT_THRESHOLD = 3


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # The display name of the sender of this tenant's e-mail (default: ``name``).
    mail_sender_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    org_model: Mapped[str] = mapped_column(String(63))
    checklist: Mapped[str] = mapped_column(String(63))
    # Optional plugins enabled for this tenant (installed is not enabled).
    plugins: Mapped[list] = mapped_column(JSON, default=list)
    org_model_options: Mapped[dict] = mapped_column(JSON, default=dict)
    # frequency, fortnight_parity, meeting_weekday/time, deadline_weekday/time, timezone
    cadence: Mapped[dict] = mapped_column(JSON)
    # Labels of the severity scale, lowest first; a report's severity is 1..len(severity_scale).
    severity_scale: Mapped[list] = mapped_column(JSON, default=lambda: list(DEFAULT_SEVERITY_SCALE))
    # The colour scale of area assessments in a lägesbild, calmest first.
    assessment_scale: Mapped[list] = mapped_column(JSON, default=lambda: list(DEFAULT_ASSESSMENT_SCALE))
    # Risk values (model C, Växjö) run 1..risk_scale_max.
    risk_scale_max: Mapped[int] = mapped_column(Integer, default=DEFAULT_RISK_SCALE_MAX)
    # A public lägesbild shows counts below this as "färre än N" (1..50).
    public_count_threshold: Mapped[int] = mapped_column(Integer, default=DEFAULT_PUBLIC_COUNT_THRESHOLD)
    # Bumped by the database (triggers, migration 0005) on every change to this row, its memberships and what
    # reporting checks against: checklist versions, areas, organisations, reporter functions, cycle deadlines.
    # est never writes it (see core.tenants.cache).
    revision: Mapped[int] = mapped_column(Integer, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
