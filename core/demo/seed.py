"""Seeding the pilots: per tenant, the last weeks' periods published and the current one collecting.

Idempotent: a period whose cycle is published (or further) is left as it is, a collecting period that already has
demo reports too, and reports carry a key derived from their content (as imported rows do), so a report is never
stored twice; a run in a later week seeds only the periods that are new or were still open. Reports are checked by
the API's own schema (with the personal-data guard) and ``ReportingContext.values`` as each imported row is
(``core.reports.importer``), then inserted in batches, marked ``source = "demo"``. One Session per tenant, one
transaction per period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.accounts.actor import Actor
from core.accounts.models import Membership, Role, User
from core.cycles import periods
from core.cycles import service as cycles
from core.cycles.models import Cycle, CycleState
from core.db import new_session
from core.demo import flow
from core.demo.generate import DemoReport, Generator
from core.reports.importer import INSERT_BATCH, FieldLoader, import_key
from core.reports.models import Report
from core.reports.schemas import ReportInSchema
from core.reports.service import ReportingContext
from core.tenancy import current_session, current_tenant_id, tenant_context
from core.tenants.models import Tenant

SOURCE = "demo"
WEEKS = 12
OPEN = (CycleState.COLLECTING, CycleState.COMPILING)
_INSERT = insert(Report).execution_options(render_nulls=True)


@dataclass(frozen=True)
class Seeded:
    """What one run added to one tenant."""

    slug: str
    reports: int
    published: int


def seed(slugs: list[str], now: datetime, weeks: int = WEEKS) -> list[Seeded]:
    """Seed each tenant (in its own app context and Session, as a job) with the periods of the ``weeks`` weeks
    before ``now``'s period, moved through their cycles, and ``now``'s period collecting with the reports that have
    come in so far."""
    app = current_app._get_current_object()
    results = []
    for slug in slugs:
        with new_session() as lookup:
            tenant_id = lookup.scalar(select(Tenant.id).where(Tenant.slug == slug))
        if tenant_id is None:
            continue
        # The tenant's own app context and Session, as a job has: guards read the Session through current_session().
        with tenant_context(tenant_id), app.app_context():
            session = current_session()
            results.append(_seed_tenant(session, session.get(Tenant, tenant_id), now, weeks))
    return results


def periods_to_seed(tenant: Tenant, now: datetime, weeks: int) -> list[periods.Period]:
    """The periods of the ``weeks`` weeks before ``now``'s period, and ``now``'s period, oldest first."""
    zone = periods.zone(tenant.cadence)
    current = periods.period_of(now, tenant.cadence)
    period = periods.period_of(current.start(zone) - timedelta(weeks=weeks), tenant.cadence)
    result = []
    while period <= current:
        result.append(period)
        period = period.next()
    return result


def _seed_tenant(session: Session, tenant: Tenant, now: datetime, weeks: int) -> Seeded:
    actor = _admin(session)
    context = ReportingContext(session, tenant, actor, now)
    generator = Generator(tenant.slug, context)
    if not generator.areas or not generator.themes:
        return Seeded(tenant.slug, 0, 0)  # nothing to report on
    loader = FieldLoader(ReportInSchema())
    reporters = _reporters(session)
    reports = published = 0
    for period in periods_to_seed(tenant, now, weeks):
        cycle = session.scalar(select(Cycle).where(Cycle.period == period.label))
        past = periods.deadline(period, tenant.cadence) <= now
        if cycle is not None and (cycle.state not in OPEN or cycles.latest_pictures(session, cycle)):
            continue  # published, or someone is working on it
        if not past and _has_demo_reports(session, period):
            continue  # collecting, seeded in an earlier run
        cycle = cycles.ensure(session, tenant, period.start(periods.zone(tenant.cadence)))[0]
        arrived = [r for r in generator.period(period) if r.created_at <= now]
        reports += _insert(session, context, loader, period, arrived, reporters)
        if past and flow.run(session, tenant, cycle, actor, generator.usual(period.weeks)):
            published += 1
        session.commit()
    return Seeded(tenant.slug, reports, published)


def _admin(session: Session) -> Actor:
    """The tenant's first admin (the demo admin), who moves the cycles; the system if it has none."""
    row = session.execute(
        select(User, Membership).join(Membership, Membership.user_id == User.id)
        .where(Membership.role == Role.ADMIN.value).order_by(Membership.id).limit(1)
    ).first()  # fmt: skip
    return Actor.of(*row) if row else Actor(user_id=None, role=Role.ADMIN)


def _reporters(session: Session) -> dict[int, int]:
    """Reporter function → the reporter member who reports for it, so a demo reporter finds their history."""
    rows = session.execute(
        select(Membership.reporter_function_id, Membership.user_id)
        .where(Membership.role == Role.REPORTER.value, Membership.reporter_function_id.is_not(None))
    )  # fmt: skip
    return {function_id: user_id for function_id, user_id in rows}


def _has_demo_reports(session: Session, period: periods.Period) -> bool:
    statement = select(Report.id).where(Report.period == period.label, Report.source == SOURCE).limit(1)
    return session.scalar(statement) is not None


def _insert(
    session: Session, context: ReportingContext, loader: FieldLoader, period: periods.Period,
    reports: list[DemoReport], reporters: dict[int, int],
) -> int:  # fmt: skip
    """Check every report as an imported row is checked, then insert those not stored before, in batches."""
    known = set(session.scalars(
        select(Report.import_key).where(Report.period == period.label, Report.source == SOURCE)
    ))  # fmt: skip
    tenant_id, rows = current_tenant_id(), []
    for report in reports:
        data = loader.load(report.data)
        key = import_key(data)
        if key in known:
            continue
        known.add(key)
        context.now = report.created_at  # lateness as of when it came in
        values = context.values(data)
        rows.append({**values, "tenant_id": tenant_id, "import_key": key, "source": SOURCE,
                     "reported_by": reporters.get(values["reporter_function_id"]),
                     "created_at": report.created_at, "updated_at": report.created_at})  # fmt: skip
    for start in range(0, len(rows), INSERT_BATCH):
        session.execute(_INSERT, rows[start : start + INSERT_BATCH])
    return len(rows)
