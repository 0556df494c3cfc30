"""Bodies for lägesbilder. The assessment follows fig 10.3 of the source: per prioritised area, conditions and
direction, problem pictures (vad, var, hur, när), probable causes, actions continuing and new, positive
observations, and the two flags. Every text goes through the personal-data guard."""

from __future__ import annotations

import marshmallow as ma

from core.api.fields import Integer, PeriodLabel
from core.cycles import periods
from core.cycles.periods import LABEL_KINDS, LONG_KINDS, WEEK_KINDS
from core.i18n import _
from core.privacy import FreeText
from core.tenants.schemas import KEY

TEXT = {"load_default": "", "validate": ma.validate.Length(max=4000)}


class ProblemSchema(ma.Schema):
    vad = FreeText(required=True, validate=ma.validate.Length(min=1, max=2000), metadata={"description": "what"})
    var = FreeText(**TEXT, metadata={"description": "where: places, hot spots — not home addresses"})
    hur = FreeText(**TEXT, metadata={"description": "how"})
    nar = FreeText(**TEXT, metadata={"description": "when: hot times"})
    orsaker = FreeText(**TEXT, metadata={"description": "probable causes"})


class ActionSchema(ma.Schema):
    what = FreeText(required=True, validate=ma.validate.Length(min=1, max=2000))
    where = FreeText(**TEXT)
    when = FreeText(**TEXT)
    purpose = FreeText(**TEXT)
    responsible = ma.fields.String(
        load_default=None, allow_none=True, validate=KEY, metadata={"description": "organisation key"}
    )
    status = ma.fields.String(load_default="new", validate=ma.validate.OneOf(["new", "continuing"]))


class AreaAssessmentSchema(ma.Schema):
    area = Integer(required=True)
    level = Integer(required=True, metadata={
        "description": "weekly: 1 … the tenant's colour scale (default Grön, Gul, Orange, Röd); "
                       "quarterly/tertial/annual: priority 1–4, 4 the most serious"})  # fmt: skip
    conditions = FreeText(**TEXT, metadata={"description": "current conditions"})
    direction = ma.fields.String(
        load_default=None, allow_none=True, validate=ma.validate.OneOf(["more", "less", "same"])
    )
    direction_comment = FreeText(**TEXT)
    problems = ma.fields.List(ma.fields.Nested(ProblemSchema), load_default=list)
    actions = ma.fields.List(ma.fields.Nested(ActionSchema), load_default=list)
    positive = FreeText(**TEXT, metadata={"description": "positive observations"})
    actions_continue = ma.fields.Boolean(load_default=False, metadata={"description": "insatser fortsätter"})
    further_actions_needed = ma.fields.Boolean(load_default=False, metadata={"description": "behov av fler insatser"})
    public = ma.fields.Boolean(
        load_default=False, metadata={"description": "the conditions text may appear in the public rendering"}
    )


class AssessmentSchema(ma.Schema):
    summary = FreeText(**TEXT)
    summary_public = ma.fields.Boolean(
        load_default=False, metadata={"description": "the summary may appear in the public rendering"}
    )
    areas = ma.fields.List(ma.fields.Nested(AreaAssessmentSchema), load_default=list)


class ArrivedAfterSchema(ma.Schema):
    count = Integer()
    reports = ma.fields.String(metadata={"description": "where to list them: /reports?after_lagesbild=<id>"})


class LagesbildSchema(ma.Schema):
    id = Integer()
    revision = Integer(metadata={"description": "counts the changes; the ETag guards them"})
    series = ma.fields.String()
    version = Integer()
    supersedes_id = Integer(allow_none=True)
    kind = ma.fields.String()
    label = ma.fields.String()
    title = ma.fields.String()
    scope = ma.fields.String()
    leg = ma.fields.String(allow_none=True)
    area_id = Integer(allow_none=True)
    cycle_id = Integer(allow_none=True)
    step = ma.fields.String(allow_none=True)
    period_start = ma.fields.Date()
    period_end = ma.fields.Date()
    status = ma.fields.String()
    statistics = ma.fields.Dict(allow_none=True)
    assessment = ma.fields.Nested(AssessmentSchema, allow_none=True)
    history = ma.fields.Dict(metadata={"description": "area id → earlier assessments, newest first"})
    ranking = ma.fields.List(ma.fields.Dict(), metadata={"description": "areas by priority (long horizons)"})
    compiled_at = ma.fields.DateTime(allow_none=True)
    published_at = ma.fields.DateTime(allow_none=True)
    after_compilation = ma.fields.Nested(
        ArrivedAfterSchema,
        allow_none=True,
        metadata={"description": "reports of its scope and period that came in after it was compiled (not in it)"},
    )


class LagesbildSummarySchema(ma.Schema):
    id = Integer()
    series = ma.fields.String()
    version = Integer()
    kind = ma.fields.String()
    label = ma.fields.String()
    title = ma.fields.String()
    scope = ma.fields.String()
    area_id = Integer(allow_none=True)
    cycle_id = Integer(allow_none=True)
    step = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    published_at = ma.fields.DateTime(allow_none=True)


class CompileSchema(ma.Schema):
    cycle = Integer(metadata={"description": "a cycle's step: with step"})
    step = ma.fields.String(validate=KEY)
    kind = ma.fields.String(validate=ma.validate.OneOf(LONG_KINDS))
    label = PeriodLabel(LONG_KINDS)
    area = Integer(load_default=None, allow_none=True)

    @ma.validates_schema
    def _one_form(self, data: dict, **_kwargs) -> None:
        if ("cycle" in data) == ("kind" in data):
            raise ma.ValidationError(_("Give either cycle and step, or kind and label."), "cycle")
        if "cycle" in data and "step" not in data:
            raise ma.ValidationError(_("Required with cycle."), "step")
        if "kind" in data and "label" not in data:
            raise ma.ValidationError(_("Required with kind."), "label")
        if "kind" in data:
            try:
                periods.parse(data["label"], (data["kind"],))
            except periods.InvalidPeriod as error:
                raise ma.ValidationError(str(error), "label") from error


class LagesbildListArgs(ma.Schema):
    kind = ma.fields.String(validate=ma.validate.OneOf(WEEK_KINDS + LONG_KINDS))
    cycle = Integer()
    area = Integer()
    status = ma.fields.String(validate=ma.validate.OneOf(["draft", "compiled", "assessed", "published"]))
    label = PeriodLabel(LABEL_KINDS)


class RenderArgs(ma.Schema):
    """``format`` and ``version`` of ``GET …/lagesbilder/<id>/render``."""

    format = ma.fields.String(
        load_default="pdf", validate=ma.validate.OneOf(["pdf", "html"]), metadata={"description": "pdf or html"}
    )
    version = ma.fields.String(
        load_default="public",
        validate=ma.validate.OneOf(["internal", "public"]),
        metadata={"description": "internal (coordinators and admins) or public (also reporters)"},
    )
