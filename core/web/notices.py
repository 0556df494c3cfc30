"""The caller's unread notifications (reminders) on the home pages, and marking one read — through
``core.notifications.service``, as the API's ``POST …/notifications/<id>/read`` does."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response

from core.accounts.actor import current_actor
from core.csrf import check_form_token
from core.i18n import _
from core.notifications import service
from core.notifications.models import Notification
from core.tenancy import current_session
from core.web.tenant import PageNotFound, blp

SHOWN = 10


def unread() -> list[Notification]:
    """What a home page shows: the caller's newest unread notifications."""
    return service.unread(current_session(), current_actor().membership_id, SHOWN)


@blp.route("/notiser/<int:notification_id>/last", methods=["GET", "POST"])
def mark_read(notification_id: int) -> Response:
    """Mark one of the caller's notifications read and go back home; anyone else's (or none) is the 404 page. A GET
    (a reload, a copied address) only goes home: it gets here past the tenant's wall, like every page, so an
    outsider's is the 404 page too."""
    if request.method != "POST":
        return redirect(url_for("pages.home"), 303)
    check_form_token()
    db = current_session()
    if service.mark_read(db, current_actor().membership_id, notification_id) is None:
        raise PageNotFound()
    db.commit()
    flash(_("The notification is marked as read."))
    return redirect(url_for("pages.home"), 303)
