"""Helpers for the delivery tests: rows queued as the test wants them, read back as a tenant."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from flask import Flask
from sqlalchemy import insert, select

from config.settings import Settings
from core.db import utcnow
from core.notifications.models import OutboxMessage
from core.tenancy import current_session, tenant_context
from core.tenants.models import Tenant


def tenant_id(app: Flask, slug: str) -> int:
    with app.app_context():
        return current_session().scalar(select(Tenant.id).where(Tenant.slug == slug))


def queue_quietly(app: Flask, slug: str, addresses: list[str], subject: str = "Lägesbild vecka 10") -> int:
    """Queue one row per address with a plain INSERT: no ORM object, so no delivery is triggered (the test
    decides who sends). Returns the tenant's id."""
    tenant = tenant_id(app, slug)
    rows = [
        {"tenant_id": tenant, "key": f"test:{address}", "to_address": address, "subject": subject,
         "body": "Veckans lägesbild.", "status": "queued", "created_at": utcnow(), "attempts": 0}
        for address in addresses
    ]  # fmt: skip
    with app.app_context(), tenant_context(tenant):
        db = current_session()
        db.execute(insert(OutboxMessage), rows)
        db.commit()
    return tenant


def outbox(app: Flask, tenant: int) -> dict[str, OutboxMessage]:
    """The tenant's outbox rows by address."""
    with app.app_context(), tenant_context(tenant):
        return {row.to_address: row for row in current_session().scalars(select(OutboxMessage))}


def smtp_settings(settings: Settings, port: int, **changes: object) -> Settings:
    return replace(settings, smtp_host="127.0.0.1", smtp_port=port, smtp_tls="none", **changes)


def wait_until(condition: Callable[[], bool], timeout: float = 60) -> None:
    """Wait for a real worker's work to show (a bound, not a timing: the assertion is on the outcome)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the worker did not get there in time"
        time.sleep(0.1)
