"""``/api/v1/tenants/<slug>/notifications``: the caller's own in-app notifications."""

from __future__ import annotations

import marshmallow as ma

from core.accounts.actor import current_actor
from core.accounts.models import Role
from core.api.access import tenant_role
from core.api.fields import Integer
from core.api.pagination import PageArgs, page_of, paginate
from core.api.tenant_blueprint import tenant_blueprint
from core.errors import NotFound
from core.i18n import _
from core.notifications import service
from core.notifications.models import Notification
from core.tenancy import current_session

blp = tenant_blueprint("notifications", "notifications", "The caller's notifications (reminders, feedback)")


class NotificationSchema(ma.Schema):
    id = Integer()
    kind = ma.fields.String()
    subject = ma.fields.String()
    body = ma.fields.String()
    created_at = ma.fields.DateTime()
    read_at = ma.fields.DateTime(allow_none=True)


@blp.route("", methods=["GET"])
@tenant_role(Role.REPORTER)
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(NotificationSchema))
def list_notifications(args: dict):
    """The caller's notifications, newest first."""
    return paginate(service.of_member(current_actor().membership_id).order_by(Notification.id.desc()), args)


@blp.route("/<int:notification_id>/read", methods=["POST"])
@tenant_role(Role.REPORTER)
@blp.response(200, NotificationSchema)
def mark_read(notification_id: int):
    """Mark one of the caller's notifications read."""
    session = current_session()
    notification = service.mark_read(session, current_actor().membership_id, notification_id)
    if notification is None:
        raise NotFound(_("Not found."))
    session.commit()
    return notification
