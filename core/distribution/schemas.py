"""Bodies of the distribution-list API."""

from __future__ import annotations

import marshmallow as ma

from core.api.fields import KEY, Integer
from core.distribution import AUDIENCES, FUNCTIONS
from core.i18n import _
from core.privacy import FreeText

MAX_RECIPIENTS = 2000


class DistributionRecipientInSchema(ma.Schema):
    """An address, or a whole group of the org model (``group``: its key; its members receive, as they are then)."""

    email = ma.fields.Email(load_default=None, allow_none=True, validate=ma.validate.Length(max=254))
    group = ma.fields.String(load_default=None, allow_none=True, validate=KEY, metadata={"description": "a group key"})
    name = FreeText(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "the function or body reached (not a person's name); a group's: its name"},
    )
    function = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.OneOf(FUNCTIONS),
        metadata={"description": " | ".join(FUNCTIONS)},
    )

    @ma.validates_schema
    def _one_target(self, data: dict, **_kwargs) -> None:
        if (data.get("email") is None) == (data.get("group") is None):
            raise ma.ValidationError(_("Give either email or group."), "email")
        if data.get("email") is not None and data.get("name") is None:
            raise ma.ValidationError(_("Missing."), "name")

    @ma.post_load
    def _lower(self, data: dict, **_kwargs) -> dict:
        return {**data, "email": data["email"].lower() if data["email"] else None}


class DistributionRecipientSchema(DistributionRecipientInSchema):
    id = Integer(dump_only=True)


class DistributionRecipientsInSchema(ma.Schema):
    recipients = ma.fields.List(
        ma.fields.Nested(DistributionRecipientInSchema), required=True, validate=ma.validate.Length(max=MAX_RECIPIENTS)
    )

    @ma.validates("recipients")
    def _unique(self, recipients: list[dict], **_kwargs) -> None:
        seen: set[str | None] = {None}  # None: a recipient already refused
        for index, recipient in enumerate(recipients):
            target = recipient.get("email") or (recipient.get("group") and f"group:{recipient['group']}")
            if target in seen:
                field = "email" if recipient.get("email") else "group"
                raise ma.ValidationError({index: {field: [_("Already in the list.")]}})
            seen.add(target)


class DistributionRecipientPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(DistributionRecipientSchema))
    total = Integer()


class AddressSchema(ma.Schema):
    email = ma.fields.String()
    via = ma.fields.String(metadata={"description": "the recipients that reach it: an address, or group:<key>"})


class AddressPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AddressSchema))
    total = Integer()


class DistributionListInSchema(ma.Schema):
    key = ma.fields.String(required=True, validate=KEY)
    name = FreeText(required=True, validate=ma.validate.Length(min=1, max=200))
    audience = ma.fields.String(required=True, validate=ma.validate.OneOf(AUDIENCES))
    active = ma.fields.Boolean(load_default=True)


class DistributionListPatchSchema(ma.Schema):
    name = FreeText(validate=ma.validate.Length(min=1, max=200))
    audience = ma.fields.String(validate=ma.validate.OneOf(AUDIENCES))
    active = ma.fields.Boolean()


class DistributionListSchema(ma.Schema):
    id = Integer()
    key = ma.fields.String()
    name = ma.fields.String()
    audience = ma.fields.String(metadata={"description": "internal | public"})
    active = ma.fields.Boolean()


class DistributionChangeSchema(ma.Schema):
    id = Integer()
    changed_by = Integer(allow_none=True, metadata={"description": "the user; null: the onboarding file"})
    changed_at = ma.fields.DateTime()
    action = ma.fields.String(metadata={"description": "created | updated | added | removed | changed"})
    email = ma.fields.String(allow_none=True)
    detail = ma.fields.String(allow_none=True)
