"""Reports and uploaded import files."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow
from core.tenancy import TenantScoped
from core.tenancy_keys import tenant_fk, tenant_unique_id
from core.workflow.versioned import Versioned

AFTER_COMPILATION = text("after_compilation")


class Report(TenantScoped, Versioned, Base):
    """One report against one item of one checklist version.

    ``item_key`` is stable across versions (statistics follow it); ``theme``/``positive`` are the item's at the
    version used. ``week`` is the ISO week of ``occurred_at`` and ``period`` the reporting period's first week,
    both in the tenant's time zone. ``late``: it came in after the period's deadline. ``after_compilation``: it came
    in after a picture of its period whose scope it falls in was compiled (see ``core.lagesbild.late``).
    """

    __tablename__ = "reports"
    __table_args__ = (
        tenant_unique_id(),
        UniqueConstraint("tenant_id", "import_key"),
        tenant_fk("checklist_version_id", "checklist_versions"),
        tenant_fk("area_id", "areas"),
        tenant_fk("organisation_id", "organisations"),
        tenant_fk("reporter_function_id", "reporter_functions"),
        Index("ix_reports_tenant_period", "tenant_id", "period"),
        Index("ix_reports_tenant_week", "tenant_id", "week"),
        Index("ix_reports_tenant_area_occurred", "tenant_id", "area_id", "occurred_at"),
        Index("ix_reports_tenant_occurred", "tenant_id", "occurred_at"),
        Index(
            "ix_reports_tenant_late_arrivals",
            "tenant_id",
            "created_at",
            postgresql_where=AFTER_COMPILATION,
            sqlite_where=AFTER_COMPILATION,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_version_id: Mapped[int] = mapped_column(Integer)
    item_key: Mapped[str] = mapped_column(String(63))
    theme: Mapped[str | None] = mapped_column(String(30), nullable=True)
    positive: Mapped[bool] = mapped_column(Boolean, default=False)
    area_id: Mapped[int] = mapped_column(Integer)
    place_text: Mapped[str | None] = mapped_column(String(300), nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    occurred_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    week: Mapped[str] = mapped_column(String(8))
    period: Mapped[str] = mapped_column(String(8))
    severity: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    early_action: Mapped[str] = mapped_column(Text, default="")
    organisation_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reporter_function_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    after_compilation: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(10), default="api")
    import_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ReportImport(TenantScoped, Base):
    """An uploaded CSV/XLSX file waiting for (or done with) its import job."""

    __tablename__ = "report_imports"
    __table_args__ = (tenant_unique_id(),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    format: Mapped[str] = mapped_column(String(10))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdempotencyKey(TenantScoped, Base):
    """A client's ``Idempotency-Key`` of a report it sent: the report it made and a fingerprint of the body sent
    with it, so that a resend of the same body answers with that report again instead of making a second one, and a
    key reused for another body is refused. One per ``(tenant, user, key)``; kept for ``core.reports.idempotency``'s
    lifetime (a resend after that is a new report)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        tenant_unique_id(),
        UniqueConstraint("tenant_id", "user_id", "key"),
        tenant_fk("report_id", "reports", ondelete="CASCADE"),
        Index("ix_idempotency_keys_tenant_created", "tenant_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    fingerprint: Mapped[str] = mapped_column(String(64))
    report_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
