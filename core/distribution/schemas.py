"""Bodies of the distribution-list API."""

from __future__ import annotations

import marshmallow as ma

from core.api.fields import Integer
from core.distribution import AUDIENCES, FUNCTIONS
from core.privacy import FreeText
from core.tenants.schemas import KEY

MAX_RECIPIENTS = 2000


class DistributionRecipientInSchema(ma.Schema):
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    name = FreeText(
        required=True,
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "the function or body reached at the address (not a person's name)"},
    )
    function = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.OneOf(FUNCTIONS),
        metadata={"description": "|".join(FUNCTIONS)},
    )

    @ma.post_load
    def _lower(self, data: dict, **_kwargs) -> dict:
        return {**data, "email": data["email"].lower()}


class DistributionRecipientSchema(DistributionRecipientInSchema):
    id = Integer(dump_only=True)


class DistributionRecipientsInSchema(ma.Schema):
    recipients = ma.fields.List(
        ma.fields.Nested(DistributionRecipientInSchema), required=True, validate=ma.validate.Length(max=MAX_RECIPIENTS)
    )

    @ma.validates("recipients")
    def _unique(self, recipients: list[dict], **_kwargs) -> None:
        seen: set[str | None] = {None}  # None: an address already refused
        for index, recipient in enumerate(recipients):
            if recipient.get("email") in seen:
                raise ma.ValidationError({index: {"email": ["Adressen finns redan i listan."]}})
            seen.add(recipient.get("email"))


class DistributionRecipientPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(DistributionRecipientSchema))
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
