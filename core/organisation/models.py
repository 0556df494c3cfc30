"""Tenant-owned structure. Rows are keyed by a stable ``key`` from onboarding and retired, never deleted."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from core.tenancy import TenantScoped
from core.tenancy_keys import tenant_fk, tenant_unique_id


class Area(TenantScoped, Base):
    """A geographic area: the whole municipality, a district or a residential area."""

    __tablename__ = "areas"
    __table_args__ = (tenant_unique_id(), UniqueConstraint("tenant_id", "key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(63))
    name: Mapped[str] = mapped_column(String(200))
    # Optional GeoJSON Polygon/MultiPolygon in WGS84.
    geometry: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Organisation(TenantScoped, Base):
    """An organisation taking part, on one leg: kommun, polis, fastighetsföretag, or an invited other."""

    __tablename__ = "organisations"
    __table_args__ = (tenant_unique_id(), UniqueConstraint("tenant_id", "key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(63))
    name: Mapped[str] = mapped_column(String(200))
    leg: Mapped[str] = mapped_column(String(30))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ReporterFunction(TenantScoped, Base):
    """A reporting function (never a person): e.g. Fältgrupp, Husvärdar, Områdespolis (Tabell 7.1)."""

    __tablename__ = "reporter_functions"
    __table_args__ = (
        tenant_unique_id(),
        UniqueConstraint("tenant_id", "key"),
        tenant_fk("organisation_id", "organisations"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(63))
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(30))
    organisation_id: Mapped[int] = mapped_column()
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Group(TenantScoped, Base):
    """A group the tenant's org model declares (koordinatorsgrupp, local EST group, chefsgrupp, …)."""

    __tablename__ = "groups"
    __table_args__ = (
        tenant_unique_id(),
        UniqueConstraint("tenant_id", "key"),
        tenant_fk("parent_id", "groups"),
        tenant_fk("area_id", "areas"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(63))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(63))
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(nullable=True)
    area_id: Mapped[int | None] = mapped_column(nullable=True)
    legs: Mapped[list] = mapped_column(JSON, default=list)
    invited: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class GroupOrganisation(TenantScoped, Base):
    """An organisation's seat in a group (derived from the org model's legs)."""

    __tablename__ = "group_organisations"
    __table_args__ = (
        tenant_unique_id(),
        UniqueConstraint("tenant_id", "group_id", "organisation_id"),
        tenant_fk("group_id", "groups", ondelete="CASCADE"),
        tenant_fk("organisation_id", "organisations", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column()
    organisation_id: Mapped[int] = mapped_column()


class GroupMember(TenantScoped, Base):
    """A member (a tenant membership) sitting in a group, e.g. the kommun leg's key function."""

    __tablename__ = "group_members"
    __table_args__ = (
        tenant_unique_id(),
        UniqueConstraint("tenant_id", "group_id", "membership_id"),
        tenant_fk("group_id", "groups", ondelete="CASCADE"),
        tenant_fk("membership_id", "memberships", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column()
    membership_id: Mapped[int] = mapped_column()
