"""Domain errors. The API turns each into the one JSON error shape ``{code, status, message, errors}``."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request that cannot be carried out as asked. ``errors`` maps field names to messages."""

    status = 422

    def __init__(self, message: str, errors: dict | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        if status is not None:
            self.status = status


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


STALE_MESSAGE = "Någon annan har ändrat detta sedan du hämtade det (If-Match stämmer inte). Hämta det igen."


class Stale(DomainError):
    """The object changed after the caller read it: what a stale ``If-Match`` is (412)."""

    status = 412

    def __init__(self) -> None:
        super().__init__(STALE_MESSAGE)


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
