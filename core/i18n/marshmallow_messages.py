"""marshmallow's, webargs' and flask-smorest's own error messages through the catalogue.

Their English defaults ("Missing data for required field.", "Not a valid datetime.", "Longer than maximum length
{max}.") are class attributes, copied into every field and validator when a schema is defined. :func:`install`
replaces each with a :class:`~core.i18n.LazyText` of itself, so that the message is written in the reader's
language when the error is rendered. It runs when ``core`` is imported, before any schema is defined.
"""

from __future__ import annotations

from collections.abc import Iterator

import marshmallow as ma

from core.i18n import LazyText

VALIDATOR_ATTRIBUTES = (
    "default_message",
    "message_min",
    "message_max",
    "message_all",
    "message_equal",
    "message_gte",
    "message_gt",
    "message_lte",
    "message_lt",
)
THIRD_PARTY = ("marshmallow", "webargs", "flask_smorest")


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _third_party(cls: type) -> bool:
    return cls.__module__.split(".")[0] in THIRD_PARTY


def _lazy(value: object) -> object:
    return LazyText(value) if isinstance(value, str) and not isinstance(value, LazyText) else value


def install() -> None:
    """Make every third-party default message lazy (idempotent)."""
    import flask_smorest.fields  # noqa: F401 (their field classes must exist before they are patched)
    import webargs.fields  # noqa: F401

    for field in (ma.fields.Field, *_subclasses(ma.fields.Field)):
        if not _third_party(field):
            continue
        messages = field.__dict__.get("default_error_messages")
        if messages:
            field.default_error_messages = {key: _lazy(value) for key, value in messages.items()}
        if "OBJ_TYPE" in field.__dict__:
            field.OBJ_TYPE = _lazy(field.OBJ_TYPE)
    for validator in _subclasses(ma.validate.Validator):
        if _third_party(validator):
            for name in VALIDATOR_ATTRIBUTES:
                if name in validator.__dict__:
                    setattr(validator, name, _lazy(validator.__dict__[name]))
    ma.Schema._default_error_messages = {key: _lazy(value) for key, value in ma.Schema._default_error_messages.items()}


def messages() -> set[str]:
    """Every message id :func:`install` made lazy: these belong in the catalogue although no code of est names
    them."""
    found: set[str] = set()
    for field in (ma.fields.Field, *_subclasses(ma.fields.Field)):
        if _third_party(field):
            found.update(v.msgid for v in field.__dict__.get("default_error_messages", {}).values() if _is_lazy(v))
            if _is_lazy(field.__dict__.get("OBJ_TYPE")):
                found.add(field.OBJ_TYPE.msgid)
    for validator in _subclasses(ma.validate.Validator):
        if _third_party(validator):
            found.update(
                validator.__dict__[n].msgid for n in VALIDATOR_ATTRIBUTES if _is_lazy(validator.__dict__.get(n))
            )
    found.update(v.msgid for v in ma.Schema._default_error_messages.values())
    return found


def _is_lazy(value: object) -> bool:
    return isinstance(value, LazyText)
