"""``/api/v1/plugins``: the installed org models and checklist variants."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask_smorest import Blueprint

from core.api import API_PREFIX
from core.api.access import public

blp = Blueprint("plugins", __name__, url_prefix=f"{API_PREFIX}/plugins", description="Installed plugins")


class VariantItemSchema(ma.Schema):
    key = ma.fields.String()
    text = ma.fields.String()
    theme = ma.fields.String(allow_none=True)
    positive = ma.fields.Boolean()
    help = ma.fields.String()
    crime_code = ma.fields.String(allow_none=True)


class VariantSectionSchema(ma.Schema):
    key = ma.fields.String()
    title = ma.fields.String()
    answered_by = ma.fields.String(allow_none=True, metadata={"description": "the leg answering it; null: all"})
    items = ma.fields.List(ma.fields.Nested(VariantItemSchema))


class ChecklistVariantSchema(ma.Schema):
    key = ma.fields.String()
    name = ma.fields.String()
    description = ma.fields.String()
    plugin = ma.fields.String()
    sections = ma.fields.List(ma.fields.Nested(VariantSectionSchema))


class OrgModelSchema(ma.Schema):
    key = ma.fields.String()
    name = ma.fields.String()
    description = ma.fields.String()
    plugin = ma.fields.String()
    options = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    required_legs = ma.fields.List(ma.fields.String())


class PluginsSchema(ma.Schema):
    plugins = ma.fields.List(ma.fields.String())
    org_models = ma.fields.List(ma.fields.Nested(OrgModelSchema))
    checklists = ma.fields.List(ma.fields.Nested(ChecklistVariantSchema))


@blp.route("", methods=["GET"])
@public
@blp.response(200, PluginsSchema)
def list_plugins():
    """Installed plugins, the org models and checklist variants they register, and which plugin provides each."""
    pm = current_app.extensions["est.plugins"]
    return {
        "plugins": pm.plugin_names(),
        "org_models": [
            {**vars(model), "plugin": pm.providers[("org_model", key)]} for key, model in sorted(pm.org_models.items())
        ],
        "checklists": [
            {**vars(variant), "plugin": pm.providers[("checklist", key)]}
            for key, variant in sorted(pm.checklists.items())
        ],
    }
