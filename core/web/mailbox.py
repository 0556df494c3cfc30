"""The local mailbox, ``/t/<slug>/brevlada``: the messages est delivered to the maildir under the instance folder
when no SMTP server is configured (the embedded default, ``est demo``), so the whole loop — publish, distribute,
receive, opt out — can be seen without a mail server.

Who may read it: the tenant's admins, for their own tenant's messages, and platform administrators. The maildir is
one for the instance; each message is the tenant's whose id its Message-ID carries (``core.mail.message``), and a
page shows only those, so one tenant's mail never shows to another. Coordinators and reporters may not: messages
are addressed to others (invitations carry their acceptance links). With an SMTP server configured the page is
a 404 — mail then lives where it was delivered.

The HTML body is never put into the page: it is shown in a sandboxed ``iframe`` from its own route, whose
Content-Security-Policy forbids every script, network fetch and form (a stylesheet in the message still styles it).
"""

from __future__ import annotations

import mailbox as maildir
import re
from email import message_from_binary_file
from email.message import EmailMessage
from email.policy import default

from flask import Response, current_app, g, render_template

from core.accounts.actor import current_actor
from core.accounts.models import Role
from core.i18n import format_moment
from core.mail.transport import local_mailbox
from core.web.tenant import PageNotFound, blp

KEY = re.compile(r"[A-Za-z0-9._,:=-]{1,200}")
MESSAGE_ID = re.compile(r"<est\.(\d+)\.")
LIMIT = 500
BODY_POLICY = "; ".join(
    ("default-src 'none'", "style-src 'unsafe-inline'", "img-src data:", "frame-ancestors 'self'", "sandbox")
)


def may_read() -> bool:
    """The tenant's admins and platform administrators, on an instance that delivers to the local mailbox."""
    if current_app.config["EST"].smtp_host:
        return False
    return g.user.is_platform_admin or (g.get("membership") is not None and current_actor().role == Role.ADMIN)


@blp.context_processor
def _mailbox_link() -> dict:
    """Where the menu links to the mailbox, for those who may read it."""
    return {"mailbox_link": g.get("member_page") and may_read()}


def _box() -> maildir.Maildir | None:
    path = local_mailbox(current_app.config["EST"])
    return maildir.Maildir(path, factory=None, create=False) if path.exists() else None


def _tenants_message(box: maildir.Maildir, key: str) -> EmailMessage | None:
    try:
        with box.get_file(key) as file:
            message = message_from_binary_file(file, policy=default)
    except (KeyError, OSError):
        return None
    return message if _tenant_of(message) == g.tenant.id else None


def _tenant_of(message: EmailMessage) -> int | None:
    match = MESSAGE_ID.match(str(message.get("Message-ID", "")))
    return int(match.group(1)) if match else None


def _readable_box() -> maildir.Maildir | None:
    if not may_read():
        raise PageNotFound()
    return _box()


def _message(key: str) -> EmailMessage:
    box = _readable_box()
    message = _tenants_message(box, key) if box is not None and KEY.fullmatch(key) else None
    if message is None:
        raise PageNotFound()
    return message


@blp.route("/brevlada")
def mailbox():
    """The tenant's messages in the local mailbox, newest first."""
    box = _readable_box()
    messages = []
    for key in box.keys() if box is not None else ():
        message = _tenants_message(box, key)
        if message is not None:
            date = message["Date"].datetime
            messages.append({"key": key, "to": message["To"], "subject": message["Subject"], "date": date,
                             "when": format_moment(date)})  # fmt: skip
    messages.sort(key=lambda m: m["date"], reverse=True)
    return render_template("mailbox.html", messages=messages[:LIMIT], more=len(messages) > LIMIT)


def _attachments(message: EmailMessage) -> list[EmailMessage]:
    return list(message.iter_attachments())


@blp.route("/brevlada/<key>")
def mail_message(key: str):
    """One message: its headers, the plain text, the HTML in a sandboxed frame, the attachments to download."""
    message = _message(key)
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    headers = [(name, message[name]) for name in ("From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe")
               if message[name]]  # fmt: skip
    return render_template(
        "mail_message.html", key=key, subject=message["Subject"], headers=headers,
        text=text.get_content() if text is not None else "", has_html=html is not None,
        attachments=[(index, part.get_filename() or f"bilaga-{index}") for index, part in
                     enumerate(_attachments(message))],
    )  # fmt: skip


@blp.route("/brevlada/<key>/html")
def mail_html(key: str):
    """The message's HTML body, for the sandboxed frame only."""
    html = _message(key).get_body(("html",))
    if html is None:
        raise PageNotFound()
    response = Response(html.get_content(), mimetype="text/html")
    response.headers["Content-Security-Policy"] = BODY_POLICY
    return response


@blp.route("/brevlada/<key>/bilagor/<int:index>")
def mail_attachment(key: str, index: int):
    """An attachment, always downloaded (never shown in the browser as a page)."""
    parts = _attachments(_message(key))
    if index >= len(parts):
        raise PageNotFound()
    part = parts[index]
    response = Response(part.get_payload(decode=True), mimetype=part.get_content_type())
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", part.get_filename() or f"bilaga-{index}")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
