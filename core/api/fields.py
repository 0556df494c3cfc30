"""The one integer field of every schema and the integer converter of every route, bounded to what the database's
integer columns hold.

Integer columns are 32-bit on PostgreSQL (SQLite stores 64), so an integer beyond that range cannot name a row nor
be stored: it is refused as the field's error (422) before any query sees it, and the bound is in the OpenAPI
document. A JSON number with a fraction (``13.5``, ``13.0``) or a boolean is not an integer either; SQLite would
have stored ``13``. Digit strings stay valid: query strings carry every number as text.
"""

from __future__ import annotations

import numbers
from typing import Any

import marshmallow as ma
from werkzeug.routing import IntegerConverter

INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
ID_MAX = 10**18 - 1


class Integer(ma.fields.Integer):
    """``marshmallow.fields.Integer`` within the database's range (by default ``INT_MIN`` … ``INT_MAX``; narrower
    with a ``Range`` validator of its own)."""

    default_error_messages = {  # noqa: RUF012 (marshmallow merges these per class)
        "invalid": "Inte ett heltal.",
        "too_large": "Talet är för stort.",
        "out_of_range": f"Talet måste ligga mellan {INT_MIN} och {INT_MAX}.",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.insert(0, ma.validate.Range(INT_MIN, INT_MAX, error=self.error_messages["out_of_range"]))

    def _validated(self, value: Any) -> int:
        if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
            raise self.make_error("invalid")
        return super()._validated(value)


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route, at most 18 digits. Flask's own converter passes any number of digits on to the
    query, and SQLite cannot bind one beyond 64 bits (a 500). Every number of 18 digits fits the 64-bit integers both
    databases compare an id column with, so a lookup simply finds no row (404); a longer one matches no route (404).
    Bounding by the pattern rather than by ``max`` keeps it a 404 for every method: a value the converter refuses
    would make werkzeug answer 405 for the methods of other rules with the same path."""

    regex = r"\d{1,18}"


def id_parameter_schema(_converter: IdConverter) -> dict[str, Any]:
    """The OpenAPI schema of an ``<int:…>`` path parameter."""
    return {"type": "integer", "minimum": 0, "maximum": ID_MAX}
