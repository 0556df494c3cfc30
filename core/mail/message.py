"""The e-mail an outbox row becomes: the same bytes every time it is built (a resend is recognisably a copy)."""

from __future__ import annotations

import hashlib
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import NamedTuple

from core.notifications.models import OutboxMessage


class Attachment(NamedTuple):
    filename: str
    content_type: str
    content: bytes


def mail_domain(mail_from: str) -> str:
    return mail_from.rpartition("@")[2] or "localhost"


def message_id(row: OutboxMessage, mail_from: str) -> str:
    """Fixed by the row: every attempt to deliver it carries this Message-ID. Its key and creation time are in it
    too (hashed), so that a row id used again (SQLite reuses the highest id after a delete) never repeats one."""
    digest = hashlib.sha256(f"{row.key}|{row.created_at.isoformat()}".encode()).hexdigest()[:16]
    return f"<est.{row.tenant_id}.{row.id}.{digest}@{mail_domain(mail_from)}>"


def build(row: OutboxMessage, *, mail_from: str, sender_name: str, attachment: Attachment | None = None) -> bytes:
    """The message for ``row``: plain text, with the HTML alternative when the row has one, ``attachment`` attached,
    and a one-click unsubscribe (RFC 8058) when the row has an opt-out address."""
    message = EmailMessage(policy=SMTP)
    local, _, domain = mail_from.rpartition("@")
    message["From"] = Address(display_name=sender_name, username=local, domain=domain)
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = message_id(row, mail_from)
    message["Auto-Submitted"] = "auto-generated"
    if row.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(row.body)
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html")
    if attachment is not None:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message.as_bytes()
