"""Reports that come in after their period's picture was compiled: never lost, never slipped into a picture.

A published picture never changes, and a report never disappears. So a report that arrives for a period after a
picture of that period was compiled is accepted as any other and marked ``after_compilation`` — when the picture's
scope holds it: the whole tenant, the report's area (an area's local picture, model B) or its organisation's leg (a
leg's part, model A). Reporting decides this from the scopes of the period's compiled pictures, which the tenant's
catalogue keeps in memory (:func:`compiled_scopes`, :func:`covers`): marking costs a report no query.

The picture says how many reports of its scope and period it does not hold, and links them (:func:`arrived_after`:
exact, from the report ids the picture holds, so a report stored while the picture was being compiled is counted too).
The next period's picture of the same step lists them as late arrivals (:func:`arrivals`), each once: those marked
since the previous period's picture of that step was compiled.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from core.cycles.models import Cycle
from core.lagesbild.models import Lagesbild
from core.reports.models import Report

if TYPE_CHECKING:
    from core.lagesbild.service import Scope

ScopeKey = tuple[str, int | str | None]  # ("tenant", None) | ("area", area id) | ("leg", leg)
ARRIVALS_LISTED = 100  # a picture lists this many late arrivals in full, and counts them all


def compiled_scopes(session: Session, period: str) -> frozenset[ScopeKey]:
    """The scopes of the pictures of ``period``'s cycle that have been compiled."""
    rows = session.execute(
        select(Lagesbild.scope, Lagesbild.area_id, Lagesbild.leg)
        .join(Cycle, Cycle.id == Lagesbild.cycle_id)
        .where(Cycle.period == period, Lagesbild.status != "draft")
    )
    return frozenset((scope, {"area": area_id, "leg": leg}.get(scope)) for scope, area_id, leg in rows)


def covers(scopes: frozenset[ScopeKey], area_id: int, leg: str | None) -> bool:
    """Whether a report of ``area_id`` from an organisation of ``leg`` falls in one of ``scopes``."""
    return ("tenant", None) in scopes or ("area", area_id) in scopes or ("leg", leg) in scopes


def _of_period(picture: Lagesbild, scope: Scope, zone: ZoneInfo) -> Select:
    """The ids of the reports of the picture's scope whose event lies in its period (as it was compiled)."""
    start, end = (datetime.combine(day, time(0), zone) for day in (picture.period_start, picture.period_end))
    statement = select(Report.id).where(Report.occurred_at >= start, Report.occurred_at < end)
    return scope.apply(statement).params(scope.parameters())


def arrived_after(session: Session, picture: Lagesbild, scope: Scope, zone: ZoneInfo) -> ColumnElement[bool]:
    """A condition on reports: of the picture's scope and period, and not held by it. The picture holds a report
    when it is among its rows; ids grow, so those above the highest it holds came later, and below it only a report
    stored while the picture was being compiled can be missing (looked up here, one by one)."""
    held = {row["id"] for row in (picture.statistics or {}).get("rows", ())}
    top = max(held, default=0)
    period = _of_period(picture, scope, zone)
    missed = [report_id for report_id in session.scalars(period.where(Report.id <= top)) if report_id not in held]
    return Report.id.in_(period.where(or_(Report.id > top, Report.id.in_(missed))))


def count_arrived_after(session: Session, picture: Lagesbild, scope: Scope, zone: ZoneInfo) -> int:
    return session.scalar(select(func.count(Report.id)).where(arrived_after(session, picture, scope, zone))) or 0


def arrivals(session: Session, scope: Scope, cycle: Cycle, step: str) -> dict[str, Any]:
    """The late arrivals a cycle's picture lists: reports of its scope and of earlier periods, marked as arriving
    after their period's compilation, that came in since the previous period's picture of ``step`` was compiled
    (all of them when there is none). The first :data:`ARRIVALS_LISTED` are listed, oldest arrival first."""
    previous = session.scalar(
        select(Cycle.id).where(Cycle.period < cycle.period).order_by(Cycle.period.desc()).limit(1)
    )
    since = previous and session.scalar(
        select(Lagesbild.compiled_at)
        .where(Lagesbild.cycle_id == previous, Lagesbild.step == step)
        .order_by(Lagesbild.version.desc())
        .limit(1)
    )
    statement = select(Report).where(Report.after_compilation, Report.period < cycle.period)
    if since is not None:
        statement = statement.where(Report.created_at > since)
    statement = scope.apply(statement)
    parameters = scope.parameters()
    count = session.scalar(select(func.count()).select_from(statement.subquery()), parameters) or 0
    listed = session.scalars(statement.order_by(Report.created_at, Report.id).limit(ARRIVALS_LISTED), parameters)
    return {
        "count": count,
        "reports": [
            {"id": r.id, "period": r.period, "week": r.week, "item_key": r.item_key, "theme": r.theme,
             "area_id": r.area_id, "severity": r.severity, "arrived_at": r.created_at.isoformat()}
            for r in listed
        ],
    }  # fmt: skip
