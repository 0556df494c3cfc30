"""Status names for the error payload."""

from __future__ import annotations

from http import HTTPStatus


def status_name(code: int) -> str:
    return HTTPStatus(code).phrase
