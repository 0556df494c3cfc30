"""Report bodies. Every free-text field is a ``FreeText``: it goes through the personal-data guard."""

from __future__ import annotations

import copy

import marshmallow as ma

from core.api.fields import Integer, PeriodLabel
from core.cycles.periods import check_year
from core.domain import Theme
from core.i18n import _
from core.privacy import FreeText
from core.tenants.schemas import KEY


class PlaceSchema(ma.Schema):
    text = FreeText(load_default=None, allow_none=True, validate=ma.validate.Length(max=300))
    lat = ma.fields.Float(load_default=None, allow_none=True, validate=ma.validate.Range(-90, 90))
    lon = ma.fields.Float(load_default=None, allow_none=True, validate=ma.validate.Range(-180, 180))

    @ma.validates_schema
    def _text_or_point(self, data: dict, **_kwargs) -> None:
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise ma.ValidationError(_("Give both lat and lon, or neither."), "lat")
        if not data.get("text") and data.get("lat") is None:
            raise ma.ValidationError(_("Give a place: text (street, place) and/or a point (lat, lon)."), "text")


class ReportInSchema(ma.Schema):
    item = ma.fields.String(required=True, validate=KEY, metadata={"description": "checklist item key"})
    area = Integer(required=True, metadata={"description": "area id"})
    occurred_at = ma.fields.AwareDateTime(
        required=True, validate=check_year, metadata={"description": "ISO 8601 with offset"}
    )
    occurred_until = ma.fields.AwareDateTime(
        validate=check_year, load_default=None, allow_none=True, metadata={"description": "end of a window"}
    )
    severity = Integer(required=True, metadata={"description": "1 … the length of the tenant's scale"})
    comment = FreeText(load_default="", validate=ma.validate.Length(max=4000))
    early_action = FreeText(
        load_default="", validate=ma.validate.Length(max=4000), metadata={"description": "tidiga åtgärder"}
    )
    place = ma.fields.Nested(PlaceSchema, required=True)
    organisation = ma.fields.String(
        load_default=None, allow_none=True, validate=KEY, metadata={"description": "default: the reporter's"}
    )
    reporter_function = ma.fields.String(
        load_default=None, allow_none=True, validate=KEY, metadata={"description": "default: the reporter's"}
    )


def _patch_of(schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """The same fields, none required and none defaulted: a PATCH changes only what it names."""
    fields = {}
    for field_name, field in schema._declared_fields.items():
        patched = copy.copy(field)
        patched.required, patched.load_default = False, ma.missing
        fields[field_name] = patched
    return ma.Schema.from_dict(fields, name=name)


ReportPatchSchema = _patch_of(ReportInSchema, "ReportPatchSchema")


class PlaceOutSchema(ma.Schema):
    text = ma.fields.String(allow_none=True)
    lat = ma.fields.Float(allow_none=True)
    lon = ma.fields.Float(allow_none=True)


class ReportOutSchema(ma.Schema):
    id = Integer()
    revision = Integer(metadata={"description": "counts the corrections; the ETag guards them"})
    item = ma.fields.String()
    item_text = ma.fields.String(metadata={"description": "the item's text in the version the report used"})
    checklist_version = Integer(metadata={"description": "version number"})
    theme = ma.fields.String(allow_none=True)
    positive = ma.fields.Boolean()
    area = Integer()
    place = ma.fields.Nested(PlaceOutSchema)
    occurred_at = ma.fields.DateTime()
    occurred_until = ma.fields.DateTime(allow_none=True)
    week = ma.fields.String(metadata={"description": "ISO week of occurred_at, e.g. 2026-W48"})
    period = ma.fields.String(metadata={"description": "the reporting period (its first ISO week)"})
    severity = Integer()
    severity_label = ma.fields.String()
    comment = ma.fields.String()
    early_action = ma.fields.String()
    organisation = ma.fields.String(allow_none=True)
    reporter_function = ma.fields.String(allow_none=True)
    late = ma.fields.Boolean(metadata={"description": "came in after the period's reporting deadline"})
    after_compilation = ma.fields.Boolean(
        metadata={"description": "came in after a picture of its period (whose scope it falls in) was compiled"}
    )
    source = ma.fields.String()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class ReportFilterSchema(ma.Schema):
    period = PeriodLabel(metadata={"description": "the reporting period, by its first ISO week"})
    period_from = PeriodLabel(metadata={"description": "reporting periods from this one (inclusive)"})
    period_to = PeriodLabel(metadata={"description": "reporting periods up to this one (inclusive)"})
    week = PeriodLabel(metadata={"description": "ISO week of the event"})
    area = Integer()
    item = ma.fields.String(validate=KEY)
    theme = ma.fields.String(validate=ma.validate.OneOf([t.value for t in Theme]))
    positive = ma.fields.Boolean()
    organisation = ma.fields.String(validate=KEY)
    severity = Integer(metadata={"description": "exact severity"})
    min_severity = Integer()
    late = ma.fields.Boolean(metadata={"description": "came in after the period's reporting deadline"})
    after_compilation = ma.fields.Boolean(metadata={"description": "came in after its period's picture was compiled"})
    after_lagesbild = Integer(
        metadata={"description": "the reports of this lägesbild's scope and period that it does not hold: those that "
                  "came in after it was compiled"}
    )  # fmt: skip

    @ma.validates_schema
    def _range_in_order(self, data: dict, **_kwargs) -> None:
        if "period_from" in data and "period_to" in data and data["period_from"] > data["period_to"]:
            raise ma.ValidationError(_("The last period comes before the first."), "period_to")


class ExportArgs(ReportFilterSchema):
    format = ma.fields.String(load_default="csv", validate=ma.validate.OneOf(["csv", "xlsx"]))
