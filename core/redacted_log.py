"""Logging an unhandled exception without the data it carries.

An exception's message may hold what the request sent: a database error quotes the row it refused (PostgreSQL's
``DETAIL: Key (email)=(…)``) and, without ``hide_parameters``, every SQL parameter (a password hash, free text). So a
500 is logged with the type and the stack of each exception in the chain — enough to find the defect — and without
any message.
"""

from __future__ import annotations

import traceback
from types import TracebackType

from flask import request

from core.speed import SyncViews

ExcInfo = tuple[type[BaseException], BaseException, TracebackType] | tuple[None, None, None]


def redacted_trace(error: BaseException) -> str:
    """The chain of ``error`` (causes first, as Python prints it): each exception's type and stack, no message."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = f"{type(current).__module__}.{type(current).__qualname__}"
        parts.append("".join(traceback.format_tb(current.__traceback__)) + f"{kind} (message withheld)\n")
        current = current.__cause__ or current.__context__
    return "\nwhich was raised while handling:\n".join(reversed(parts)) if len(parts) > 1 else parts[0]


class EstFlask(SyncViews):
    """Flask (with ``core.speed.SyncViews``), logging a 500's exception through :func:`redacted_trace` (Flask's own
    logs the full message)."""

    def log_exception(self, exc_info: ExcInfo) -> None:
        error = exc_info[1]
        if error is None:
            return
        self.logger.error("Exception on %s [%s]\n%s", request.path, request.method, redacted_trace(error))
