"""Request and response bodies for accounts and members."""

from __future__ import annotations

import marshmallow as ma

from core.accounts.models import InvitationState, Role
from core.api.fields import Integer
from core.i18n import LOCALES
from core.privacy import FreeText
from core.tenants.schemas import KEY


class CredentialsSchema(ma.Schema):
    email = ma.fields.Email(required=True)
    password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(min=1, max=1024))


class TokenRequestSchema(CredentialsSchema):
    name = FreeText(
        validate=ma.validate.Length(min=1, max=100),
        metadata={"description": "What the token is for, to tell tokens apart (optional)"},
    )


class TokenSchema(ma.Schema):
    token = ma.fields.String(required=True)
    expires_at = ma.fields.DateTime(required=True)


class TokenInfoSchema(ma.Schema):
    """A token as its owner sees it in the list (never the token itself)."""

    id = Integer()
    name = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    expires_at = ma.fields.DateTime()
    last_used_at = ma.fields.DateTime(allow_none=True, metadata={"description": "to the minute"})


class PasswordChangeSchema(ma.Schema):
    current_password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(min=1, max=1024))
    new_password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(min=1, max=1024))


class SessionSchema(ma.Schema):
    email = ma.fields.Email()
    csrf_token = ma.fields.String()


class MeMembershipSchema(ma.Schema):
    tenant = ma.fields.String()
    role = ma.fields.String()


LOCALE = ma.fields.String(
    allow_none=True,
    validate=ma.validate.OneOf(LOCALES),
    metadata={"description": "The caller's own language; null: Accept-Language decides, then Swedish (sv)"},
)


class MeSchema(ma.Schema):
    id = Integer()
    email = ma.fields.Email()
    is_platform_admin = ma.fields.Boolean()
    locale = LOCALE
    memberships = ma.fields.List(ma.fields.Nested(MeMembershipSchema))


class MeUpdateSchema(ma.Schema):
    locale = LOCALE


class MemberSchema(ma.Schema):
    id = Integer(dump_only=True)
    email = ma.fields.Email(required=True)
    role = ma.fields.String(required=True, validate=ma.validate.OneOf([r.value for r in Role]))
    organisation = ma.fields.String(allow_none=True, validate=KEY, metadata={"description": "organisation key"})
    reporter_function = ma.fields.String(
        allow_none=True, validate=KEY, metadata={"description": "reporter function key"}
    )
    groups = ma.fields.List(
        ma.fields.String(validate=KEY), metadata={"description": "keys of the groups the member sits in"}
    )


class MemberUpdateSchema(ma.Schema):
    role = ma.fields.String(validate=ma.validate.OneOf([r.value for r in Role]))
    organisation = ma.fields.String(allow_none=True, validate=KEY)
    reporter_function = ma.fields.String(allow_none=True, validate=KEY)
    groups = ma.fields.List(ma.fields.String(validate=KEY))


class InvitationSchema(ma.Schema):
    id = Integer(dump_only=True)
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    role = ma.fields.String(required=True, validate=ma.validate.OneOf([r.value for r in Role]))
    organisation = ma.fields.String(allow_none=True, validate=KEY, metadata={"description": "organisation key"})
    reporter_function = ma.fields.String(
        allow_none=True, validate=KEY, metadata={"description": "reporter function key"}
    )
    state = ma.fields.String(dump_only=True, metadata={"enum": [s.value for s in InvitationState]})
    invited_at = ma.fields.DateTime(dump_only=True)
    expires_at = ma.fields.DateTime(dump_only=True)
    accepted_at = ma.fields.DateTime(dump_only=True, allow_none=True)


class InvitationAcceptSchema(ma.Schema):
    token = ma.fields.String(
        required=True,
        validate=ma.validate.Regexp(r"^[A-Za-z0-9_-]{20,100}$", error="Ogiltig inbjudningskod."),
        metadata={"description": "the code from the invitation message"},
    )
    password = ma.fields.String(
        load_only=True,
        validate=ma.validate.Length(max=1024),
        metadata={"description": "Only for an address without an account: the new account's password."},
    )
