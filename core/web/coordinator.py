"""The coordinator's room: the tenant home with the current cycle, its deadline, coverage and the reports so far."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import groupby
from typing import Any

from flask import g, render_template
from sqlalchemy import func, select

from core.accounts.actor import current_actor
from core.cycles import periods
from core.cycles import service as cycles
from core.cycles.models import Cycle
from core.db import utcnow
from core.i18n import _, format_moment
from core.reports.catalogue import catalogue
from core.reports.models import Report
from core.tenancy import current_session
from core.web import cycle_actions


def time_left(deadline: datetime, now: datetime) -> str:
    """What is left until the deadline, in words."""
    left = deadline - now
    if left <= timedelta(0):
        return _("The deadline has passed.")
    hours, seconds = divmod(int(left.total_seconds()), 3600)
    if hours >= 24:
        return _("{days} d {hours} h left", days=hours // 24, hours=hours % 24)
    return _("{hours} h {minutes} min left", hours=hours, minutes=seconds // 60)


def _deadline(deadline: datetime) -> str:
    return format_moment(deadline, periods.zone(g.tenant.cadence))


def _coverage(cycle: Cycle) -> dict[str, Any]:
    """Coverage grouped by organisation: each organisation's functions that have reported and that have not."""
    coverage = cycles.coverage(current_session(), cycle)
    by_organisation = {key: list(rows) for key, rows in groupby(
        sorted(coverage["functions"], key=lambda f: (f["organisation"] or "", f["name"])), lambda f: f["organisation"]
    )}  # fmt: skip
    organisations = [
        {
            **organisation,
            "missing": [f for f in by_organisation.get(organisation["key"], []) if not f["reports"]],
            "reported": [f for f in by_organisation.get(organisation["key"], []) if f["reports"]],
        }
        for organisation in coverage["organisations"]
    ]
    total = len(coverage["functions"])
    return {
        "organisations": organisations,
        "total": total,
        "reported": total - len(coverage["missing_functions"]),
        "unattributed": coverage["unattributed_reports"],
    }


def _counts(column, period: str) -> list[tuple[Any, int]]:
    statement = (
        select(column, func.count()).where(Report.period == period).group_by(column).order_by(func.count().desc())
    )
    return [(key, count) for key, count in current_session().execute(statement)]


def home():
    db = current_session()
    now = utcnow()
    period = periods.period_of(now, g.tenant.cadence)
    cycle = db.scalar(select(Cycle).where(Cycle.period == period.label))
    names = catalogue(db, g.tenant)
    by_item = [
        (names.items[key].text if key in names.items else key, n) for key, n in _counts(Report.item_key, period.label)
    ]
    by_area = [
        (names.areas[key].name if key in names.areas else key, n) for key, n in _counts(Report.area_id, period.label)
    ]
    return render_template(
        "coordinator_home.html",
        period=period.label,
        cycle=cycle,
        deadline=_deadline(cycle.deadline) if cycle else None,
        time_left=time_left(cycle.deadline, now) if cycle else None,
        coverage=_coverage(cycle) if cycle else None,
        by_item=by_item,
        by_area=by_area,
        total=sum(count for _area, count in by_area),
        next_actions=cycle_actions.next_actions(db, g.tenant, current_actor()),
    )
