"""Domain errors. The API turns each into the one JSON error shape ``{code, status, message, errors}``."""

from __future__ import annotations


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


class PersonalDataError(DomainError):
    """Free text carried an identifier of a person. The message names the field and kind, never the value."""

    status = 422
