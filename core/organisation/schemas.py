"""Response bodies for a tenant's structure."""

from __future__ import annotations

import marshmallow as ma

from core.api.fields import Integer


class AreaSchema(ma.Schema):
    id = Integer()
    key = ma.fields.String()
    name = ma.fields.String()
    geometry = ma.fields.Dict(allow_none=True, metadata={"description": "GeoJSON Polygon or MultiPolygon, WGS84"})
    active = ma.fields.Boolean()


class OrganisationSchema(ma.Schema):
    id = Integer()
    key = ma.fields.String()
    name = ma.fields.String()
    leg = ma.fields.String(metadata={"description": "kommun | polis | fastighetsforetag | other"})
    active = ma.fields.Boolean()


class ReporterFunctionSchema(ma.Schema):
    id = Integer()
    key = ma.fields.String()
    name = ma.fields.String()
    category = ma.fields.String(metadata={"description": "sector from Tabell 7.1"})
    organisation_id = Integer()
    active = ma.fields.Boolean()


class GroupSchema(ma.Schema):
    id = Integer()
    key = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String()
    description = ma.fields.String()
    parent_id = Integer(allow_none=True)
    area_id = Integer(allow_none=True)
    legs = ma.fields.List(ma.fields.String())
    invited = ma.fields.Boolean()
    active = ma.fields.Boolean()
    organisation_ids = ma.fields.List(Integer())
    member_ids = ma.fields.List(Integer())
