"""Bodies for proposals and forwarding forms."""

from __future__ import annotations

import marshmallow as ma

from core.api.fields import Integer
from core.privacy import FreeText
from core.tenants.schemas import KEY


class ProposalInSchema(ma.Schema):
    title = FreeText(required=True, validate=ma.validate.Length(min=1, max=200))
    description = FreeText(load_default="", validate=ma.validate.Length(max=4000))
    from_group = ma.fields.String(load_default=None, allow_none=True, validate=KEY)
    department = FreeText(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "the department a forwarding form goes to"},
    )
    cycle = Integer(load_default=None, allow_none=True)
    lagesbild = Integer(load_default=None, allow_none=True)
    area = Integer(load_default=None, allow_none=True)


class ProposalSchema(ma.Schema):
    id = Integer()
    revision = Integer(metadata={"description": "counts the changes; the ETag guards them"})
    kind = ma.fields.String(metadata={"description": "proposal | forwarding_form"})
    title = ma.fields.String()
    description = ma.fields.String()
    from_group = ma.fields.String(allow_none=True)
    target_group = ma.fields.String(allow_none=True)
    department = ma.fields.String(allow_none=True)
    cycle_id = Integer(allow_none=True)
    lagesbild_id = Integer(allow_none=True)
    area_id = Integer(allow_none=True)
    status = ma.fields.String(metadata={"description": "open | accepted | rejected | answered"})
    answer = ma.fields.String()
    created_at = ma.fields.DateTime()
    answered_at = ma.fields.DateTime(allow_none=True)


class AnswerSchema(ma.Schema):
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(["accepted", "rejected", "answered"]))
    answer = FreeText(load_default="", validate=ma.validate.Length(max=4000))


class ProposalListArgs(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(["open", "accepted", "rejected", "answered"]))
    kind = ma.fields.String(validate=ma.validate.OneOf(["proposal", "forwarding_form"]))
