"""One check of every request's text before any view reads it.

Two kinds of text no column can hold reach the database otherwise and fail there (a 500): the NUL character, which
PostgreSQL's text type refuses, and a lone UTF-16 surrogate (``"\\ud800"`` in JSON), which cannot be encoded as
UTF-8 for either database. JSON bodies are also bounded in depth: a body nested a thousand levels deep exhausts
Python's recursion in the parser or in the schemas. The path, the query string, a url-encoded form and a JSON body
are checked here, once; an error names the field (the query parameter, the form field, or the dotted path into the
JSON body), never the value.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import BadRequest, NotFound

from core.errors import DomainError
from core.i18n import N_, _

MAX_JSON_DEPTH = 32
BAD_CHARACTER = N_("The text holds a character that cannot be stored (NUL or a lone surrogate).")


def storable(text: str) -> bool:
    """Whether ``text`` holds neither a NUL nor a lone surrogate."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_request(_endpoint: str | None, _values: dict | None) -> None:
    """Refuse what no view can store, naming where it is. A URL-value preprocessor of the app, so that it runs
    before any blueprint's (the tenant's slug is looked up in one of those)."""
    if not storable(request.path):
        raise NotFound()
    bad = []
    if request.query_string:
        bad += [name for name, values in request.args.lists() if not all(map(storable, [name, *values]))]
    if request.mimetype == "application/x-www-form-urlencoded":
        bad += [name for name, values in request.form.lists() if not all(map(storable, [name, *values]))]
    if request.is_json and _may_hold_what_cannot_be_stored(request.get_data(cache=True)):
        bad += list(_unstorable_json_fields(_json_body()))
    if bad:
        raise DomainError(
            _("The data is not valid; see errors."),
            {name or "_schema": [_(BAD_CHARACTER)] for name in bad},
            code="request.bad_character",
        )


def _may_hold_what_cannot_be_stored(body: bytes) -> bool:
    """Whether a JSON body needs the walk: in valid JSON a NUL or a surrogate can only be written as a ``\\u``
    escape, and nesting deeper than the limit needs more brackets than it allows. Most bodies have neither, and
    skip parsing here (a speed trick on the hot path of every write: the walk is the rule, this only says when it
    can find nothing)."""
    return b"\\u" in body or b"\x00" in body or body.count(b"{") + body.count(b"[") > MAX_JSON_DEPTH


def _json_body() -> Any:
    try:
        body = request.get_json()
    except RecursionError as error:
        raise _too_deep() from error
    return body


def _too_deep() -> BadRequest:
    return BadRequest(_("The JSON document is nested too deep (at most {depth} levels).", depth=MAX_JSON_DEPTH))


def _unstorable_json_fields(body: Any) -> Iterator[str]:
    """The dotted path of every string in ``body`` (keys included) that cannot be stored; too deep a body is a 400.
    Iterative, so that the depth check itself cannot overflow."""
    stack: list[tuple[str, Any, int]] = [("", body, 0)]
    while stack:
        path, value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise _too_deep()
        if isinstance(value, str):
            if not storable(value):
                yield path
            continue
        children: Iterable[tuple[Any, Any]] = ()
        if isinstance(value, dict):
            children = value.items()
        elif isinstance(value, list):
            children = enumerate(value)
        for key, child in children:
            if isinstance(key, str) and not storable(key):
                yield path
                continue
            stack.append((f"{path}.{key}" if path else str(key), child, depth + 1))


def init_app(app: Flask) -> None:
    app.url_value_preprocessor(check_request)
