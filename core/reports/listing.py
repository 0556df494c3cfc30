"""Which reports a caller sees, filtered: the one place the filters of the report list are turned into SQL.

The API's ``GET …/reports`` and its export, and the coordinators' report list page with its export, all call
:func:`filtered` with the arguments :class:`core.reports.schemas.ReportFilterSchema` loaded, so a filter means the
same everywhere. Coordinators and admins see all of the tenant's reports, reporters their own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from core import speed
from core.accounts.actor import Actor
from core.cycles import periods
from core.lagesbild import late
from core.lagesbild import service as lagesbild
from core.organisation.models import Organisation
from core.reports.models import Report
from core.tenants.models import Tenant

# Filter argument -> the column it must equal.
EQUALS = {
    "period": Report.period,
    "week": Report.week,
    "area": Report.area_id,
    "item": Report.item_key,
    "theme": Report.theme,
    "positive": Report.positive,
    "severity": Report.severity,
    "late": Report.late,
    "after_compilation": Report.after_compilation,
}


def visible(actor: Actor) -> Select:
    """Coordinators and admins see all of the tenant's reports; reporters their own."""
    statement = select(Report)
    if not actor.may_act_for_others:
        statement = statement.where(Report.reported_by == actor.user_id)
    return statement


def conditions(session: Session, tenant: Tenant, actor: Actor, args: dict[str, Any]) -> list[ColumnElement[bool]]:
    """The WHERE conditions of the filter ``args`` (as ``ReportFilterSchema`` loads them)."""
    where: list[ColumnElement[bool]] = [column == args[name] for name, column in EQUALS.items() if name in args]
    # Period labels ("2026-W05") sort as text in time order: the range is two index-friendly comparisons.
    if "period_from" in args:
        where.append(Report.period >= args["period_from"])
    if "period_to" in args:
        where.append(Report.period <= args["period_to"])
    for first, last in (("period_from", "period_to"), ("period", "period")):
        where += speed.moments_of_periods(Report.occurred_at, args.get(first), args.get(last))
    if "min_severity" in args:
        where.append(Report.severity >= args["min_severity"])
    if "organisation" in args:
        where.append(
            Report.organisation_id.in_(select(Organisation.id).where(Organisation.key == args["organisation"]))
        )
    if "after_lagesbild" in args:
        where.append(_arrived_after(session, tenant, actor, args["after_lagesbild"]))
    return where


def filtered(session: Session, tenant: Tenant, actor: Actor, args: dict[str, Any]) -> Select:
    """The reports ``actor`` may see that match ``args``, newest first (ties by id, so pages are stable)."""
    return (
        visible(actor)
        .where(*conditions(session, tenant, actor, args))
        .order_by(Report.occurred_at.desc(), Report.id.desc())
    )


def _arrived_after(session: Session, tenant: Tenant, actor: Actor, picture_id: int) -> ColumnElement[bool]:
    """The reports of a picture's scope and period that came in after it was compiled (a picture the caller may
    read: reporters see published ones)."""
    picture = lagesbild.visible(session, picture_id, actor)
    return late.arrived_after(session, picture, lagesbild.scope_of(picture), periods.zone(tenant.cadence))
