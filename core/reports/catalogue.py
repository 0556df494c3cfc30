"""What a report is checked against, kept in memory per process: the tenant's current checklist version and its
items, its areas, organisations and reporter functions, the deadlines of its cycles and the scopes of their compiled
pictures (see ``core.lagesbild.late``).

Loading it costs four queries (and two per period, for its cycle's deadline and compiled pictures); a report costs
one INSERT. So each
process keeps one catalogue per tenant and reuses it while the tenant's stamp is unchanged (its revision is bumped
by database triggers on every change to those tables; see ``core.tenants.cache``). The entries are frozen copies,
not ORM objects, so nothing cached is tied to a Session or can be written back. A catalogue is only ever built
inside the tenant's own scope (checked, and the tenancy wall scopes its queries).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.checklists import content as checklist_content
from core.checklists import service as checklists
from core.cycles.models import Cycle
from core.lagesbild import late
from core.organisation.models import Area, Organisation, ReporterFunction
from core.tenancy import assert_scope
from core.tenants.cache import StampedCache, stamp_of
from core.tenants.models import Tenant


@dataclass(frozen=True)
class AreaEntry:
    id: int
    key: str
    name: str
    geometry: dict[str, Any] | None
    active: bool


@dataclass(frozen=True)
class OrganisationEntry:
    id: int
    key: str
    name: str
    leg: str
    active: bool


@dataclass(frozen=True)
class FunctionEntry:
    id: int
    key: str
    name: str
    organisation_id: int
    active: bool


@dataclass
class Catalogue:
    """One tenant's reporting vocabulary at one stamp."""

    tenant_id: int
    version_id: int
    version_number: int
    items: dict[str, checklist_content.Item]
    areas: dict[int, AreaEntry]
    organisations: dict[str, OrganisationEntry]
    functions: dict[str, FunctionEntry]
    # period label → the deadline of its cycle (None: no cycle yet), filled as periods are asked for
    deadlines: dict[str, datetime | None] = field(default_factory=dict)
    # period label → the scopes of its compiled pictures, filled as periods are asked for
    compiled: dict[str, frozenset[late.ScopeKey]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.areas_by_key = {a.key: a for a in self.areas.values()}
        self.organisation_ids = {o.id: o for o in self.organisations.values()}
        self.function_ids = {f.id: f for f in self.functions.values()}

    def cycle_deadline(self, session: Session, period: str) -> datetime | None:
        """The deadline of the period's cycle, if it has one (asked of the database once per period)."""
        if period not in self.deadlines:
            assert_scope(self.tenant_id)
            self.deadlines[period] = session.scalar(select(Cycle.deadline).where(Cycle.period == period))
        return self.deadlines[period]

    def compiled_scopes(self, session: Session, period: str) -> frozenset[late.ScopeKey]:
        """The scopes of the period's compiled pictures (asked of the database once per period)."""
        if period not in self.compiled:
            assert_scope(self.tenant_id)
            self.compiled[period] = late.compiled_scopes(session, period)
        return self.compiled[period]


_catalogues: StampedCache[Catalogue] = StampedCache()


def catalogue(session: Session, tenant: Tenant) -> Catalogue:
    """The tenant's catalogue as of its stamp (``session`` must be in the tenant's scope)."""
    stamp = stamp_of(tenant)
    return _catalogues.get(session, tenant.id, stamp, lambda: (stamp, _load(session, tenant.id)))


def _load(session: Session, tenant_id: int) -> Catalogue:
    assert_scope(tenant_id)
    version = checklists.current(session)
    return Catalogue(
        tenant_id=tenant_id,
        version_id=version.id,
        version_number=version.number,
        items=checklists.items_of(version),
        areas={
            a.id: AreaEntry(a.id, a.key, a.name, a.geometry, a.active)
            for a in session.scalars(select(Area).order_by(Area.id))
        },
        organisations={
            o.key: OrganisationEntry(o.id, o.key, o.name, o.leg, o.active)
            for o in session.scalars(select(Organisation).order_by(Organisation.id))
        },
        functions={
            f.key: FunctionEntry(f.id, f.key, f.name, f.organisation_id, f.active)
            for f in session.scalars(select(ReporterFunction).order_by(ReporterFunction.id))
        },
    )
