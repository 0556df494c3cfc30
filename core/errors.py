"""Domain errors. The API turns each into the one JSON error shape ``{code, status, error, message, errors}``."""

from __future__ import annotations

from typing import Any

from core import error_codes
from core.i18n import N_, _


class DomainError(Exception):
    """A request that cannot be carried out as asked. ``message`` is for people (translated: ``core.i18n._``),
    ``errors`` maps field names to messages, ``code`` is the machine code (``core.error_codes``; default: the
    generic code of the status)."""

    status = 422

    def __init__(
        self, message: str, errors: dict | None = None, status: int | None = None, *, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        if status is not None:
            self.status = status
        self.code = error_codes.checked(code) if code else error_codes.for_status(self.status)


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


# The 412 message id (translated where it is written out).
STALE_MESSAGE = N_("Somebody else has changed this since you read it (If-Match does not match). Read it again.")


class Stale(DomainError):
    """The object changed after the caller read it: what a stale ``If-Match`` is (412)."""

    status = 412

    def __init__(self) -> None:
        super().__init__(_(STALE_MESSAGE), code="etag.stale")


class PersonalDataError(DomainError):
    """Free text carried an identifier of a person. The message names the field and kind, never the value."""

    status = 422


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Marshmallow's nested messages as ``{"areas.2.key": [...]}``: one dotted field path per error."""
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            flat.update(flatten_messages(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix or "_schema": [str(m) for m in messages] if isinstance(messages, list) else [str(messages)]}
