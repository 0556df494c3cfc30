"""The personal-data guard every free-text field goes through before anything is stored.

EST describes places, times, categories and assessments – never individuals. Free text is where a person could
slip in, so every free-text field is checked, and text carrying any of these identifiers is refused:

* Swedish personal identity numbers (personnummer) and coordination numbers (samordningsnummer): 10 or 12 digits,
  ``YYMMDD-NNNN``, ``YYMMDD+NNNN`` (age 100+), ``YYMMDDNNNN``, ``YYYYMMDD-NNNN``, ``YYYYMMDDNNNN`` or with a space as
  separator, bounded by non-digits, with a possible date (day + 60 for samordningsnummer) and a valid Luhn control
  digit. Numbers that fail Luhn or cannot be a date are ordinary numbers and pass.
* E-mail addresses (``local@domain.tld``).
* Swedish phone numbers: a trunk ``0`` or ``+46``/``0046`` followed by 7–10 digits, contiguous or grouped with
  spaces or hyphens (``070-123 45 67``, ``+46 8 123 456 78``). Dates, times, years, postal codes, crime codes,
  street numbers and coordinates do not look like that and pass.

A refusal names the field and the kind of identifier, never the value, so the value is not echoed into responses
or logs. ``check_free_text`` checks all fields of a write and raises one :class:`PersonalDataError` (422) before
anything is stored; ``FreeText`` is the marshmallow field that does the same inside a schema. Both use
``find_identifiers``, the single detector.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from marshmallow import ValidationError, fields

from core.errors import PersonalDataError

__all__ = ["MESSAGE", "FreeText", "IdentifierKind", "check_free_text", "find_identifiers", "messages_for"]

MESSAGE = "Fritext får inte innehålla uppgifter om enskilda personer."


class IdentifierKind(StrEnum):
    """What kind of identifier of a person was found; the values are the Swedish words used in messages."""

    PERSONNUMMER = "personnummer"
    SAMORDNINGSNUMMER = "samordningsnummer"
    EMAIL = "e-postadress"
    PHONE = "telefonnummer"


# Swedish article and pronoun per kind: "Innehåller ett personnummer; ta bort det."
_GRAMMAR = {
    IdentifierKind.PERSONNUMMER: ("ett", "det"),
    IdentifierKind.SAMORDNINGSNUMMER: ("ett", "det"),
    IdentifierKind.EMAIL: ("en", "den"),
    IdentifierKind.PHONE: ("ett", "det"),
}

_IDENTITY_NUMBER = re.compile(r"(?<!\d)(?P<century>\d{2})?(?P<date>\d{6})[-+ ]?(?P<serial>\d{4})(?!\d)")

_EMAIL = re.compile(r"[\w.%+-]+@(?:[\w-]+\.)+[^\W\d_]{2,}")

_PHONE = re.compile(
    r"""
    (?<![\d+])(?<!\d[-./:,])                        # not the tail of a longer number, date, time or decimal
    (?:(?:\+|00)46[ -]?(?:\(0\)[ -]?)?|0)           # +46 / 0046 (perhaps with "(0)") or the trunk zero
    (?:
        (?P<whole>[1-9]\d{6,9})                     # 0701234567
      | (?P<area>[1-9]\d{0,2})[ -]                  # 070-123 45 67, 08-123 456 78, 046-12 34 56
        (?P<groups>[1-9]\d{1,7}(?:[ -]\d{2,3}(?!\d)){0,3})
    )
    (?!\d)(?![-./:]\d)                              # not the head of a date, time or decimal
    """,
    re.VERBOSE,
)


def _luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(digits):
        product = int(char) * (2 - position % 2)
        total += product // 10 + product % 10
    return total % 10 == 0


def _identity_kind(match: re.Match[str]) -> IdentifierKind | None:
    """The kind of a personnummer-shaped match, or None when it cannot be one (bad date, century or Luhn)."""
    century, date, serial = match["century"], match["date"], match["serial"]
    if not _luhn_valid(date + serial):
        return None
    year, month, day = int(date[:2]), int(date[2:4]), int(date[4:])
    kind = IdentifierKind.PERSONNUMMER
    if day > 60:
        kind, day = IdentifierKind.SAMORDNINGSNUMMER, day - 60
    if not 1 <= month <= 12:
        return None
    if century is None:
        days_in_month = 29 if month == 2 else calendar.monthrange(2001, month)[1]
    elif century in ("18", "19", "20"):
        days_in_month = calendar.monthrange(int(century) * 100 + year, month)[1]
    else:
        return None
    return kind if 1 <= day <= days_in_month else None


def _is_phone(match: re.Match[str]) -> bool:
    """Whether a phone-shaped match has 7–10 digits after the trunk zero at a group boundary."""
    if match["whole"]:
        return True
    first, *rest = re.split(r"[ -]", match["groups"])
    count = len(match["area"]) + len(first)
    if len(first) >= 5 and 7 <= count <= 10:  # 08-1234567; "0393 1201" (two crime codes) is not a number
        return True
    for group in rest:
        count += len(group)
        if 7 <= count <= 10:
            return True
    return False


def find_identifiers(text: str) -> list[IdentifierKind]:
    """The kinds of identifiers of a person found in ``text`` – deduplicated, in a stable order, never the values."""
    found: set[IdentifierKind] = set()
    spans: list[tuple[int, int]] = []
    for match in _IDENTITY_NUMBER.finditer(text):
        kind = _identity_kind(match)
        if kind is not None:
            found.add(kind)
            spans.append(match.span())
    # Mask identity numbers so that e.g. 0112189876 is reported as a personnummer only, not also as a phone number.
    for start, end in spans:
        text = text[:start] + "#" * (end - start) + text[end:]
    if _EMAIL.search(text):
        found.add(IdentifierKind.EMAIL)
    if any(_is_phone(match) for match in _PHONE.finditer(text)):
        found.add(IdentifierKind.PHONE)
    return [kind for kind in IdentifierKind if kind in found]


def messages_for(kinds: list[IdentifierKind]) -> list[str]:
    """One Swedish message per kind, e.g. ``"Innehåller ett personnummer; ta bort det."``."""
    return [f"Innehåller {_GRAMMAR[kind][0]} {kind}; ta bort {_GRAMMAR[kind][1]}." for kind in kinds]


def check_free_text(fields: Mapping[str, str | None]) -> None:
    """Check every free-text field (name → value) and refuse them all at once.

    Raises one :class:`PersonalDataError` whose ``errors`` map each offending field name (as given, e.g. a dotted
    path) to messages naming the kind of identifier. None and empty values pass.
    """
    errors: dict[str, list[str]] = {}
    for name, value in fields.items():
        if value is None:
            continue
        if not isinstance(value, str):
            raise TypeError(f"free-text field {name!r} must be a string or None, not {type(value).__name__}")
        kinds = find_identifiers(value)
        if kinds:
            errors[name] = messages_for(kinds)
    if errors:
        raise PersonalDataError(MESSAGE, errors)


class FreeText(fields.String):
    """A marshmallow string field that refuses identifiers of persons, naming the kind but never the value."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        if text:
            kinds = find_identifiers(text)
            if kinds:
                raise ValidationError(messages_for(kinds))
        return text
