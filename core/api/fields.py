"""Field types every schema shares: integers bounded to what the database's integer columns hold (and the integer
converter of every route), a period label, and a moment shown in the tenant's time zone.

Integer columns are 32-bit on PostgreSQL (SQLite stores 64), so an integer beyond that range cannot name a row nor
be stored: it is refused as the field's error (422) before any query sees it, and the bound is in the OpenAPI
document. A JSON number with a fraction (``13.5``, ``13.0``) or a boolean is not an integer either; SQLite would
have stored ``13``. Digit strings stay valid: query strings carry every number as text.

One period type, so a period is validated the same way wherever it is accepted (stats, cycles, lägesbilder, report
filters), and one moment type, so a deadline reads the same in every endpoint whether it was just computed or read
back from the database (stored in UTC).
"""

from __future__ import annotations

import numbers
from datetime import datetime
from typing import Any

import marshmallow as ma
from flask import g, has_request_context
from werkzeug.routing import IntegerConverter

from core.cycles import periods
from core.i18n import _l

# The key of a configuration row (area, organisation, group, list, …).
KEY = ma.validate.Regexp(r"^[a-z0-9][a-z0-9_]{0,62}$", error=_l("Only a–z, 0–9 and _ (at most 63 characters)."))
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1


class Integer(ma.fields.Integer):
    """``marshmallow.fields.Integer`` within the database's range (by default ``INT_MIN`` … ``INT_MAX``; narrower
    with a ``Range`` validator of its own)."""

    default_error_messages = {  # noqa: RUF012 (marshmallow merges these per class)
        "invalid": _l("Not an integer."),
        "too_large": _l("Number too large."),
        "out_of_range": _l("The number must lie between {min} and {max}."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.insert(0, ma.validate.Range(INT_MIN, INT_MAX, error=self.error_messages["out_of_range"]))

    def _validated(self, value: Any) -> int:
        if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
            raise self.make_error("invalid")
        return super()._validated(value)


def pattern_up_to(limit: int) -> str:
    """A regular expression for the decimal numbers 0 … ``limit``: shorter numbers, then, digit by digit, the
    numbers of ``limit``'s length that are smaller at that digit, then ``limit`` itself."""
    digits = str(limit)
    alternatives = [rf"\d{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for position, digit in enumerate(digits):
        lowest = 1 if position == 0 and len(digits) > 1 else 0
        if int(digit) > lowest:
            rest = len(digits) - position - 1
            alternatives.append(f"{digits[:position]}[{lowest}-{int(digit) - 1}]" + (rf"\d{{{rest}}}" if rest else ""))
    return "|".join([*alternatives, digits])


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route, 0 … ``INT_MAX``: an id beyond the column's range names no row, so its URL is
    simply a 404 (Flask's own converter passes any number on to the query, which fails on either database). The bound
    is in the pattern rather than in ``max``: werkzeug answers a value its converter refuses with 405 when a rule of
    another method has the same path."""

    regex = f"(?:{pattern_up_to(INT_MAX)})"


def id_parameter_schema(_converter: IdConverter) -> dict[str, Any]:
    """The OpenAPI schema of an ``<int:…>`` path parameter."""
    return {"type": "integer", "minimum": 0, "maximum": INT_MAX}


class PeriodLabel(ma.fields.String):
    """A label naming a period that exists (``2026-W53`` yes, ``2027-W53`` no), of one of ``kinds``; loads as the
    label itself, which is how reports, cycles and pictures store their period."""

    def __init__(self, kinds: tuple[str, ...] = ("weekly",), **kwargs: Any) -> None:
        examples = ", ".join(periods.EXAMPLES[kind] for kind in kinds)
        kwargs.setdefault("metadata", {}).setdefault("description", f"a period label, e.g. {examples}")
        super().__init__(**kwargs)
        self.kinds = kinds

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        label = super()._deserialize(value, attr, data, **kwargs)
        try:
            periods.parse(label, self.kinds)
        except periods.InvalidPeriod as error:
            raise ma.ValidationError(str(error)) from error
        return label


class TenantDateTime(ma.fields.AwareDateTime):
    """A moment rendered in the request's tenant's time zone with its offset (``2026-03-31T12:00:00+02:00``);
    loads any ISO 8601 moment with an offset."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is not None and has_request_context() and g.get("tenant") is not None:
            value = value.astimezone(periods.zone(g.tenant.cadence))
        return super()._serialize(value, attr, obj, **kwargs)
