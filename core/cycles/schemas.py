"""Bodies for cycles, their log, coverage and meetings."""

from __future__ import annotations

import marshmallow as ma

from core.api.fields import Integer, TenantDateTime
from core.cycles.models import CycleState
from core.cycles.periods import check_year
from core.privacy import FreeText


class StepSchema(ma.Schema):
    key = ma.fields.String()
    title = ma.fields.String()
    scope = ma.fields.String()
    leg = ma.fields.String(allow_none=True)
    area = ma.fields.String(allow_none=True)
    group = ma.fields.String(allow_none=True)
    compiler_leg = ma.fields.Boolean()
    after = ma.fields.List(ma.fields.String())
    rollup = ma.fields.Boolean()
    meeting = ma.fields.Boolean()
    lagesbild = Integer(allow_none=True)
    status = ma.fields.String(metadata={"description": "not_started | draft | compiled | assessed | published"})


class CycleSchema(ma.Schema):
    id = Integer()
    period = ma.fields.String()
    period_start = ma.fields.Date()
    weeks = Integer()
    deadline = TenantDateTime()
    state = ma.fields.String()
    compiler_leg = ma.fields.String(allow_none=True, metadata={"description": "the leg compiling (model A's rota)"})
    allowed = ma.fields.List(ma.fields.String(), metadata={"description": "states it may move to next"})
    plan = ma.fields.List(ma.fields.Nested(StepSchema))
    revision = Integer()


class EnsureCycleSchema(ma.Schema):
    at = ma.fields.AwareDateTime(
        load_default=None, validate=check_year, metadata={"description": "a moment in the period; default now"}
    )


class TransitionSchema(ma.Schema):
    to = ma.fields.String(required=True, validate=ma.validate.OneOf([s.value for s in CycleState]))
    note = FreeText(load_default="", validate=ma.validate.Length(max=500))


class TransitionLogSchema(ma.Schema):
    from_state = ma.fields.String(allow_none=True)
    to_state = ma.fields.String()
    by_user = Integer(allow_none=True)
    at = ma.fields.DateTime()
    note = ma.fields.String()


class CoverageFunctionSchema(ma.Schema):
    key = ma.fields.String()
    name = ma.fields.String()
    organisation = ma.fields.String(allow_none=True)
    reports = Integer()


class CoverageOrganisationSchema(ma.Schema):
    key = ma.fields.String()
    name = ma.fields.String()
    leg = ma.fields.String()
    reports = Integer()


class CoverageSchema(ma.Schema):
    period = ma.fields.String()
    deadline = TenantDateTime()
    functions = ma.fields.List(ma.fields.Nested(CoverageFunctionSchema))
    organisations = ma.fields.List(ma.fields.Nested(CoverageOrganisationSchema))
    missing_functions = ma.fields.List(ma.fields.String())
    unattributed_reports = Integer()


class AttendeeSchema(ma.Schema):
    organisation = FreeText(
        required=True,
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "organisation key, or for guests its name"},
    )
    function = FreeText(
        required=True,
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "the function, never a person's name"},
    )


class RiskSchema(ma.Schema):
    area = Integer(required=True)
    value = Integer(required=True)
    comment = FreeText(load_default="", validate=ma.validate.Length(max=2000))


class MeetingSchema(ma.Schema):
    id = Integer(dump_only=True)
    held_at = TenantDateTime(required=True, validate=check_year)
    form = ma.fields.String(load_default="physical", validate=ma.validate.OneOf(["physical", "phone", "video"]))
    attendees = ma.fields.List(ma.fields.Nested(AttendeeSchema), required=True, validate=ma.validate.Length(min=1))
    guests = ma.fields.List(ma.fields.Nested(AttendeeSchema), load_default=list)
    notes = FreeText(load_default="", validate=ma.validate.Length(max=4000))
    risk = ma.fields.Nested(
        RiskSchema,
        load_default=None,
        allow_none=True,
        metadata={"description": "the risk value the meeting gives one area (Växjö)"},
    )
