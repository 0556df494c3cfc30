"""Queuing a published picture's distribution: who gets which version, rendered once, one outbox row each."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from html import escape
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.accounts.models import Membership, User
from core.cycles import periods
from core.cycles.periods import Span
from core.db import utcnow
from core.distribution import service as lists
from core.distribution.models import DistributionList
from core.i18n import _, use_locale
from core.lagesbild.models import Lagesbild
from core.lagesbild.rendering import render
from core.lagesbild.service import scope_of
from core.mail.trigger import note_queued
from core.notifications.models import OutboxMessage
from core.publication.models import PublicationFile
from core.publication.optout import opted_out, token_for
from core.reports.models import Report
from core.tenants.models import Tenant

INTERNAL, PUBLIC = "internal", "public"
PDF = "application/pdf"


@dataclass(frozen=True)
class Recipient:
    email: str
    audience: str
    locale: str | None = None
    # Reporters of the period only: the membership whose one-click opt-out the message carries.
    membership_id: int | None = None


def row_key(picture_id: int, email: str) -> str:
    """One row per (picture version, address), whatever reaches the address and however often it is queued."""
    return f"lagesbild:{picture_id}:{hashlib.sha256(email.lower().encode()).hexdigest()[:40]}"


def list_recipients(session: Session) -> dict[str, str]:
    """Every address the tenant's active lists reach, with the most detailed version it gets (internal wins)."""
    reached: dict[str, str] = {}
    for row in session.scalars(select(DistributionList).where(DistributionList.active.is_(True))):
        for entry in lists.addresses(session, row.id):
            if reached.get(entry["email"]) != INTERNAL:
                reached[entry["email"]] = row.audience
    return reached


def reporters_of(session: Session, tenant: Tenant, picture: Lagesbild) -> list[tuple[Membership, User]]:
    """The members who reported in the picture's scope and period."""
    start, end = Span(picture.kind, picture.label, picture.period_start, picture.period_end).window(
        periods.zone(tenant.cadence)
    )
    scope = scope_of(picture)
    reporting = scope.apply(
        select(Report.reported_by).where(Report.occurred_at >= start, Report.occurred_at < end).distinct()
    )
    users = [user_id for user_id in session.scalars(reporting, scope.parameters()) if user_id is not None]
    if not users:
        return []
    rows = session.execute(
        select(Membership, User).join(User, User.id == Membership.user_id).where(Membership.user_id.in_(users))
    )
    return [(membership, user) for membership, user in rows if user.active]


def recipients(session: Session, tenant: Tenant, picture: Lagesbild) -> list[Recipient]:
    """The lists' addresses, then the period's reporters who are on no list and did not opt out (feedback: the
    public version, in their own language)."""
    chosen = [Recipient(email, audience) for email, audience in sorted(list_recipients(session).items())]
    reached = {recipient.email for recipient in chosen}
    reporters = reporters_of(session, tenant, picture)
    out = opted_out(session, [membership.id for membership, _user in reporters])
    for membership, user in reporters:
        email = user.email.lower()
        if email not in reached and membership.id not in out:
            chosen.append(Recipient(email, PUBLIC, user.locale, membership.id))
            reached.add(email)
    return chosen


def _attachment(session: Session, tenant: Tenant, picture: Lagesbild) -> int:
    """The internal PDF, stored once for every recipient of the picture (found again when queuing is repeated)."""
    filename = f"lagesbild-{picture.label}-v{picture.version}.pdf"
    found = session.scalar(
        select(PublicationFile.id).where(
            PublicationFile.lagesbild_id == picture.id,
            PublicationFile.audience == INTERNAL,
            PublicationFile.filename == filename,
        )
    )
    if found is not None:
        return found
    with use_locale(None):
        content = render(session, tenant, picture, audience=INTERNAL, fmt="pdf")
    stored = PublicationFile(lagesbild_id=picture.id, audience=INTERNAL, filename=filename, content_type=PDF,
                             content=content)  # fmt: skip
    session.add(stored)
    session.flush()
    return stored.id


def opt_out_url(app: Flask, site_url: str, slug: str, token: str) -> str:
    """The absolute address of the opt-out page (the message is read outside any request of ours)."""
    parts = urlsplit(site_url)
    adapter = app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http")
    return adapter.build("opt_out.record", {"slug": slug, "token": token}, force_external=True)


def _with_opt_out(text: str, html: str, url: str) -> tuple[str, str]:
    note = _("You get this because you reported during the period. No longer want it? Unsubscribe:")
    text = f"{text}\n-- \n{note}\n{url}\n"
    link = f'<hr><p>{escape(note)} <a href="{escape(url)}">{escape(_("Unsubscribe"))}</a></p>'
    head, marker, tail = html.rpartition("</body>")
    return text, (head + link + marker + tail) if marker else html + link


def queue(session: Session, tenant: Tenant, picture: Lagesbild, *, app: Flask, site_url: str) -> int:
    """Queue the picture's distribution (idempotent: rows that exist are left alone); returns the rows added.
    The caller commits; delivery starts once it has."""
    pdf_id = None
    rendered: dict[tuple[str, str | None], tuple[str, str, str]] = {}
    rows = []
    now = utcnow()
    for recipient in recipients(session, tenant, picture):
        if recipient.audience == INTERNAL and pdf_id is None:
            pdf_id = _attachment(session, tenant, picture)
        version = (recipient.audience, recipient.locale)
        if version not in rendered:
            with use_locale(recipient.locale):
                rendered[version] = (
                    _("Situation picture: {title}", title=picture.title),
                    str(render(session, tenant, picture, audience=recipient.audience, fmt="text")),
                    str(render(session, tenant, picture, audience=recipient.audience, fmt="html")),
                )
        subject, text, html = rendered[version]
        url = None
        if recipient.membership_id is not None:
            url = opt_out_url(app, site_url, tenant.slug,
                              token_for(app.config["EST"].secret_key, tenant.id, recipient.membership_id))  # fmt: skip
            with use_locale(recipient.locale):
                text, html = _with_opt_out(text, html, url)
        rows.append({
            "tenant_id": tenant.id, "key": row_key(picture.id, recipient.email), "to_address": recipient.email,
            "subject": subject[:200], "body": text, "html_body": html, "status": "queued", "created_at": now,
            "attempts": 0, "lagesbild_id": picture.id, "audience": recipient.audience,
            "attachment_id": pdf_id if recipient.audience == INTERNAL else None, "unsubscribe_url": url,
        })  # fmt: skip
    existing = set(session.scalars(select(OutboxMessage.key).where(OutboxMessage.lagesbild_id == picture.id)))
    rows = [row for row in rows if row["key"] not in existing]
    if not rows:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(OutboxMessage).on_conflict_do_nothing(index_elements=["tenant_id", "key"])
    session.execute(statement, rows)  # a concurrent queuing of the same picture: its rows win, no error
    note_queued(session, tenant.id)
    return len(rows)
