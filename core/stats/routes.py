"""``/api/v1/tenants/<slug>/stats``: weekly counts per item key, theme, area or organisation."""

from __future__ import annotations

import marshmallow as ma
from sqlalchemy import func, select

from core.accounts.models import Role
from core.api.access import tenant_role
from core.api.fields import Integer, PeriodLabel
from core.api.tenant_blueprint import tenant_blueprint
from core.i18n import _
from core.lagesbild.models import AreaAssessment
from core.organisation.models import Area, Organisation
from core.reports.models import Report
from core.tenancy import current_session

blp = tenant_blueprint("stats", "stats", "Statistics over the tenant's reports")

GROUPINGS = {
    "item": (Report.item_key, None),
    "theme": (func.coalesce(Report.theme, "positiv"), None),
    "area": (Area.key, Area),
    "organisation": (Organisation.key, Organisation),
}


class WeeklyArgs(ma.Schema):
    by = ma.fields.String(load_default="item", validate=ma.validate.OneOf(list(GROUPINGS)))
    from_ = PeriodLabel(data_key="from", required=True)
    to = PeriodLabel(required=True)
    area = Integer()

    @ma.validates_schema
    def _in_order(self, data: dict, **_kwargs) -> None:
        # ISO week labels sort as their weeks do.
        if data["from_"] > data["to"]:
            raise ma.ValidationError(_("Must not lie after to ({to}).", to=data["to"]), "from")


class WeeklyRowSchema(ma.Schema):
    week = ma.fields.String()
    key = ma.fields.String()
    count = Integer()
    after_compilation = Integer(metadata={"description": "how many of them came in after their period's picture was "
                                          "compiled (counted here, in their own week, all the same)"})  # fmt: skip


class WeeklySchema(ma.Schema):
    by = ma.fields.String()
    rows = ma.fields.List(ma.fields.Nested(WeeklyRowSchema))


@blp.route("/weekly", methods=["GET"])
@tenant_role(Role.COORDINATOR)
@blp.arguments(WeeklyArgs, location="query")
@blp.response(200, WeeklySchema)
def weekly(args: dict):
    """Reports per ISO week (of the event, in the tenant's time zone) and item key, theme, area or organisation —
    late ones too, in their own week. Item keys survive rewording, so a series does not break when the checklist
    changes."""
    key, joined = GROUPINGS[args["by"]]
    late = func.count().filter(Report.after_compilation)
    statement = select(Report.week, key.label("key"), func.count().label("count"), late.label("after_compilation"))
    if joined is Area:
        statement = statement.join(Area, Area.id == Report.area_id)
    elif joined is Organisation:
        statement = statement.join(Organisation, Organisation.id == Report.organisation_id)
    statement = statement.where(Report.week >= args["from_"], Report.week <= args["to"])
    if "area" in args:
        statement = statement.where(Report.area_id == args["area"])
    statement = statement.group_by(Report.week, key).order_by(Report.week, key)
    rows = current_session().execute(statement).all()
    columns = ("week", "key", "count", "after_compilation")
    return {"by": args["by"], "rows": [dict(zip(columns, row, strict=True)) for row in rows]}


class SeriesArgs(ma.Schema):
    area = Integer(required=True)
    scale = ma.fields.String(load_default="colour", validate=ma.validate.OneOf(["colour", "priority", "risk"]))


class SeriesPointSchema(ma.Schema):
    period = ma.fields.String()
    value = Integer()
    label = ma.fields.String()
    assessed_at = ma.fields.DateTime()
    lagesbild = Integer(allow_none=True)
    cycle = Integer(allow_none=True)


@blp.route("/assessments", methods=["GET"])
@tenant_role(Role.COORDINATOR)
@blp.arguments(SeriesArgs, location="query")
@blp.response(200, SeriesPointSchema(many=True))
def assessment_series(args: dict):
    """An area's assessments over time, oldest first: its colours (weekly pictures), priorities (quarterly,
    tertial) or risk values (one point per meeting, Växjö's series)."""
    rows = current_session().scalars(
        select(AreaAssessment)
        .where(AreaAssessment.area_id == args["area"], AreaAssessment.scale == args["scale"])
        .order_by(AreaAssessment.assessed_at, AreaAssessment.id)
    )
    return [
        {"period": r.period, "value": r.value, "label": r.label, "assessed_at": r.assessed_at,
         "lagesbild": r.lagesbild_id, "cycle": r.cycle_id}
        for r in rows
    ]  # fmt: skip
