"""``Idempotency-Key``: a resent report makes no second report.

A client (the API's caller, the page's form, the reporter's offline queue) names each report it sends with a key of
its own choosing. The first request with a key stores the report and, in the same transaction, the key with a
fingerprint of the body; a later request with the same key and body answers with that report again (``replayed``),
one with another body is refused. Two requests with one key at the same moment: both may insert a report, but only
one can insert the key (unique per tenant, user and key), so the other rolls back — its report with it — and answers
with the winner's report. A failed request stores nothing, its key included, so it can be sent again as it was.

Keys live ``LIFETIME``; each new key sweeps at most ``SWEEP`` of the tenant's expired ones, so clean-up stays
bounded and needs no scheduled job.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from core.db import utcnow
from core.errors import DomainError
from core.i18n import _
from core.reports import service
from core.reports.models import IdempotencyKey, Report
from core.tenancy import insert_row

HEADER = "Idempotency-Key"
LIFETIME = timedelta(days=7)
SWEEP = 100
_KEY = re.compile(r"[A-Za-z0-9_.:~-]{1,100}")


def checked_key(value: str | None, field: str = HEADER) -> str | None:
    """The key as sent, or ``None`` when none was sent; a malformed one is a 422 naming ``field``."""
    if value is None:
        return None
    if not _KEY.fullmatch(value):
        message = _("{field} must be 1–100 characters: letters a–z, digits and - _ . : ~", field=HEADER)
        raise DomainError(message, {field: [message]}, code="idempotency.key_invalid")
    return value


def fingerprint(body: Any) -> str:
    """A digest of the body as sent (keys sorted), so that a resend of the same body matches."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def create_once(
    context: service.ReportingContext,
    data: dict[str, Any],
    key: str | None,
    digest: str,
    field: str = HEADER,
    source: str = "api",
) -> tuple[Report, bool]:
    """Store the report ``data`` describes unless ``key`` already made one; returns the report and whether it is
    the earlier one (a replay). Commits nothing: the caller commits the report and its key together."""
    if key is None:
        return service.create(context, data, source), False
    earlier = _earlier(context, key, digest, field)
    if earlier is not None:
        return earlier, True
    now = utcnow()
    expired = (
        select(IdempotencyKey.id)
        .where(IdempotencyKey.created_at < now - LIFETIME)  # the tenancy wall scopes this to the caller's tenant
        .limit(SWEEP)
    )
    context.session.execute(delete(IdempotencyKey).where(IdempotencyKey.id.in_(expired.scalar_subquery())))
    report = service.create(context, data, source)
    try:
        insert_row(context.session, IdempotencyKey.__table__, {
            "user_id": context.actor.user_id, "key": key, "fingerprint": digest, "report_id": report.id,
            "created_at": now,
        })  # fmt: skip
    except IntegrityError:
        # Another request with this key committed first: ours is dropped, its report is the answer.
        context.session.rollback()
        earlier = _earlier(context, key, digest, field)
        if earlier is None:
            raise
        return earlier, True
    return report, False


def _earlier(context: service.ReportingContext, key: str, digest: str, field: str) -> Report | None:
    """The report ``key`` made within its lifetime, or ``None`` (an expired key is dropped); a key used for another
    body is refused."""
    session = context.session
    row = session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == context.actor.user_id, IdempotencyKey.key == key)
    )
    if row is None:
        return None
    if row.created_at < utcnow() - LIFETIME:
        session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == row.id))
        return None
    if row.fingerprint != digest:
        message = _("This {field} was already used for another report. Send a new key with a new report.", field=HEADER)
        raise DomainError(message, {field: [message]}, code="idempotency.key_reused")
    return session.scalar(select(Report).where(Report.id == row.report_id))
