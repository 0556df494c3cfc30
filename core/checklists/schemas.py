"""Bodies for checklist versions."""

from __future__ import annotations

import marshmallow as ma

from core.api.fields import Integer
from core.checklists.content import ChecklistContentSchema
from core.privacy import FreeText


class VersionSchema(ma.Schema):
    id = Integer(dump_only=True)
    number = Integer(dump_only=True)
    revision = Integer(dump_only=True, metadata={"description": "counts the changes; the ETag guards them"})
    status = ma.fields.String(dump_only=True, metadata={"description": "draft | published | superseded"})
    variant = ma.fields.String(dump_only=True)
    note = ma.fields.String(dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)
    published_at = ma.fields.DateTime(dump_only=True, allow_none=True)
    content = ma.fields.Nested(ChecklistContentSchema)


class DraftCreateSchema(ma.Schema):
    note = FreeText(load_default="", validate=ma.validate.Length(max=500))
    content = ma.fields.Dict(
        load_default=None, metadata={"description": "the whole checklist; default: a copy of the current one"}
    )


class DraftUpdateSchema(ma.Schema):
    note = FreeText(validate=ma.validate.Length(max=500))
    content = ma.fields.Dict(required=True, metadata={"description": "the whole checklist"})


class CurrentArgs(ma.Schema):
    mine = ma.fields.Boolean(
        load_default=False, metadata={"description": "only the sections the caller's organisation answers"}
    )
