"""The delivery log's shape in the API."""

from __future__ import annotations

import marshmallow as ma

from core.api.fields import Integer
from core.api.pagination import page_of
from core.publication.deliveries import STATUSES


class DeliverySchema(ma.Schema):
    """One recipient of a picture: ``queued``; ``sent`` (with the server's reply); ``retrying`` (after a 4xx reply
    or no answer: ``attempts`` so far, due again at ``next_attempt_at``); ``failed`` (a 5xx reply, or too many
    4xx: ``reply`` says why)."""

    id = Integer()
    recipient = ma.fields.String(attribute="to_address")
    audience = ma.fields.String(metadata={"description": "internal | public (reporters get the public version)"})
    opt_out = ma.fields.Function(
        lambda row: row.unsubscribe_url is not None,
        metadata={"description": "a reporter's feedback, with a one-click opt-out"},
    )
    status = ma.fields.String(metadata={"description": " | ".join(STATUSES)})
    attempts = Integer()
    reply_code = Integer(allow_none=True)
    reply = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    last_attempt_at = ma.fields.DateTime(allow_none=True)
    next_attempt_at = ma.fields.DateTime(allow_none=True)
    sent_at = ma.fields.DateTime(allow_none=True)


class DeliveryTotalsSchema(ma.Schema):
    recipients = Integer()
    queued = Integer()
    sent = Integer()
    retrying = Integer()
    failed = Integer()


class DeliveryLogSchema(page_of(DeliverySchema)):  # type: ignore[misc]
    totals = ma.fields.Nested(DeliveryTotalsSchema)
