"""Announcement hooks (see ``core.hookspecs``): called once the transaction that made the event has committed.

:func:`announce` notes a call on the Session that holds the event; the call is made when that Session's transaction
commits and forgotten when it rolls back (or the Session closes without committing), so a plugin never hears of a
report or a picture that was not stored. When no plugin the tenant enabled implements the hook, nothing is noted
and the hook's arguments are never built: on the hot path (a report's POST) announcing costs one lookup.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import current_app
from pluggy import HookImpl
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from core.redacted_log import redacted_trace
from core.tenants.info import tenant_info
from core.tenants.models import Tenant

log = logging.getLogger(__name__)

HOOKS = ("est_report_submitted", "est_lagesbild_compiled", "est_lagesbild_published")
_PENDING = "est_announcements"  # calls noted in the open transaction
_COMMITTED = "est_announcements_committed"  # calls whose transaction committed, made when it has ended

Call = tuple[str, list[HookImpl], dict[str, Any]]


def announce(session: Session, tenant: Tenant, hook: str, arguments: Callable[[], dict[str, Any]]) -> None:
    """Call ``hook`` on the plugins ``tenant`` enabled once ``session`` commits, with ``tenant`` and the keyword
    arguments ``arguments()`` builds now (only when some enabled plugin implements the hook)."""
    pm = current_app.extensions["est.plugins"]
    implementations = getattr(pm.hook, hook).get_hookimpls()
    if not implementations:
        return
    info = tenant_info(tenant)
    enabled = pm.enabled_plugin_names(info)
    listening = [implementation for implementation in implementations if implementation.plugin_name in enabled]
    if listening:
        session.info.setdefault(_PENDING, []).append((hook, listening, {"tenant": info, **arguments()}))


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    calls = session.info.pop(_PENDING, None)
    if calls:
        session.info.setdefault(_COMMITTED, []).extend(calls)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    """Make the committed calls once the outermost transaction has ended (the Session may then read again, in a new
    transaction); forget the calls of one that rolled back."""
    if transaction.parent is not None:
        return
    session.info.pop(_PENDING, None)
    for hook, implementations, arguments in session.info.pop(_COMMITTED, ()):
        for implementation in implementations:
            _call(hook, implementation, arguments)


def _call(hook: str, implementation: HookImpl, arguments: dict[str, Any]) -> None:
    try:
        implementation.function(*(arguments[name] for name in implementation.argnames))
    except Exception as error:  # the event is committed: a failing plugin is logged, the others still hear of it
        log.error("plugin %s failed in %s\n%s", implementation.plugin_name, hook, redacted_trace(error))
