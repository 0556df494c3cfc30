"""The personal-data guard every free-text field goes through before anything is stored.

EST describes places, times, categories and assessments – never individuals. Free text is where a person could
slip in, so every free-text field is checked, and text carrying an identifier of a person is refused. The guard
finds identifiers written the ways people write them, also to slip past a filter:

* **Normalisation first.** Unicode NFKC (full-width and mathematical characters become ASCII), every decimal digit
  of any script becomes its ASCII digit, format characters (zero-width space, joiner and non-joiner, word joiner,
  soft hyphen, byte order mark …) are removed, every dash and minus becomes ``-`` and every space (no-break, narrow,
  thin, tab, newline …) becomes `` ``. Dots, slashes, underscores, dashes and spaces, and runs of up to five of them,
  then separate the groups of a number alike; parentheses may enclose an area code.
* **Personnummer and samordningsnummer**: 10 or 12 digits however grouped, as long as the groups follow the parts
  of the number (``81 12 18-9876``, ``1981-12-18-9876``, ``811218 - 9876``, ``811218+9876``). The date must be
  possible (day + 60 for a samordningsnummer; with the century, or the one the ``-``/``+`` implies) and not in the
  future, and the Luhn control digit must hold: other numbers are ordinary numbers and pass. A number whose date is
  less than two years old and whose last four digits read as a time of day is taken for a compact timestamp
  (``Logg 202611240835``): people that young are not the subject of EST reports.
* **Phone numbers** (Swedish): a trunk ``0``, or ``+46``/``0046``/``46`` with an optional ``(0)``, then 7–9 digits,
  written whole (``0701234567``) or grouped as people group them: an area code, then a subscriber number that
  begins with 1–9, in one group of 5–8 digits or in groups of 2–3, a group of four only after one of three
  (``070.123.45.67``, ``(08) 123 456 78``, ``+46 (0)70 123 45 67``, ``070-123 4567``). Times and dates
  (``08.15–09.30``, ``01/12 2026``), crime codes (``0393 1201``), decimals and numbers after a slash or a dash do
  not look like that and pass. A 10-digit number that is a valid personnummer is reported as that alone.
* **E-mail addresses**, also with ``(at)``, ``[at]``, ``{at}``, ``<at>``, `` at ``, ``snabel-a`` for ``@``,
  ``(dot)``, `` dot ``, ``punkt`` … for the dot, and spaces around the ``@``.
* **Vehicle registration plates**, because a plate identifies the vehicle's owner: three letters (not I, Q, V) and
  three digits, or two digits and a letter (``ABC 123``, ``ABC123``, ``ABC 12A``). The trade-off: Swedish puts
  three-letter words before numbers all the time (``rum 123``, ``har 120``, ``och 300``, ``Hus 12B``), so a plate
  in lower or mixed case counts only when written together or with a hyphen (``abc123``, ``abc-123``); in capitals
  it counts with a space too, except for the few abbreviations that stand before numbers (``SOS 112``,
  ``SEK 500``, ``LSS 123`` …). A plate typed ``abc 123`` therefore passes.

**Names and addresses cannot be detected reliably** – a street, a shop and a person share names – so the guard does
not try; a heuristic would refuse everyday text about places. Reporters are told not to write them.

The guard is linear in its input: one pass of normalisation, then a few scans with regular expressions whose
every repetition is bounded or possessive, so none backtracks over more than a few characters; Python code runs
only on a candidate (a candidate repeated is checked once), and each kind's scan stops at its first hit. Lengths
are checked before it (``FreeText`` requires a maximum length and checks it first).

A refusal names the field and the kind of identifier, never the value, so the value is not echoed into responses
or logs. ``check_free_text`` checks all fields of a write and raises one :class:`PersonalDataError` (422) before
anything is stored; ``FreeText`` is the marshmallow field that does the same inside a schema. Both use
``find_identifiers``, the single detector.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from marshmallow import ValidationError, fields, validate

from core.errors import PersonalDataError
from core.i18n import N_, _

__all__ = ["MESSAGE", "FreeText", "IdentifierKind", "check_free_text", "find_identifiers", "messages_for"]

MESSAGE = N_("Free text must not hold data about individual persons.")


class IdentifierKind(StrEnum):
    """What kind of identifier of a person was found; the values are the Swedish words used in messages."""

    PERSONNUMMER = "personnummer"
    SAMORDNINGSNUMMER = "samordningsnummer"
    EMAIL = "e-postadress"
    PHONE = "telefonnummer"
    PLATE = "registreringsnummer"


_MESSAGES = {
    IdentifierKind.PERSONNUMMER: N_("Holds a personnummer; remove it."),
    IdentifierKind.SAMORDNINGSNUMMER: N_("Holds a samordningsnummer; remove it."),
    IdentifierKind.EMAIL: N_("Holds an e-mail address; remove it."),
    IdentifierKind.PHONE: N_("Holds a telephone number; remove it."),
    IdentifierKind.PLATE: N_("Holds a registration number, which points out the vehicle's owner; remove it."),
}

# --- normalisation ---------------------------------------------------------------------------------------------

_EXTRA_DASHES = "\u2212\u2043\u02d7\u2796\u2e3a\u2e3b\ufe58\ufe63\uff0d"  # minus signs and dashes outside Pd
_EXTRA_DOTS = "\u00b7\u2027\u2022\u30fb\uff65"
_EXTRA_SLASHES = "\u2044\u2215\u29f8\uff0f"


@functools.cache
def _translation() -> dict[int, str | None]:
    """The character map applied after NFKC: digits of every script, dashes, spaces, dots, slashes; no formats."""
    table: dict[int, str | None] = {}
    # Planes 2 and 3 hold only ideographs, and 15 and 16 private use: the rest is all that can need mapping.
    for code in itertools.chain(range(0x20000), range(0xE0000, 0xE1000)):
        if code < 128 and chr(code) not in "\t\n\v\f\r\x1c\x1d\x1e\x1f":
            continue
        char = chr(code)
        category = unicodedata.category(char)
        if category == "Cf":
            table[code] = None
        elif category == "Nd":
            table[code] = str(unicodedata.digit(char))
        elif category == "Pd" or char in _EXTRA_DASHES:
            table[code] = "-"
        elif char.isspace() or category in ("Zs", "Zl", "Zp"):
            table[code] = " "
        elif char in _EXTRA_DOTS:
            table[code] = "."
        elif char in _EXTRA_SLASHES:
            table[code] = "/"
    return table


def _normalise(text: str) -> str:
    """``text`` as the guard reads it: NFKC, ASCII digits, ``-`` for every dash, `` `` for every space, no formats."""
    return unicodedata.normalize("NFKC", text).translate(_translation())


# --- personnummer and samordningsnummer ------------------------------------------------------------------------

_SEP = r"[ ./_-]{1,5}"  # a separator: a short run of them
# Each pattern starts with a digit class and checks what precedes afterwards: the regex engine then skips to
# candidates in C instead of entering the matcher at every position.
_IDENTITY = r"""
    (?P<head>[0-9][0-9])(?<![0-9]{{3}})                  # the century, or the year when there is none
    (?:(?<=1[89]|20)(?:{sep})?(?P<yy>[0-9]{{2}}))?
    (?:{sep})?(?P<mm>0[1-9]|1[0-2])
    (?:{sep})?(?P<dd>{days})
    (?P<plus>(?:{sep})|\ ?\+\ ?)?
    (?P<serial>[0-9]{{4}})
    (?![0-9])
"""
_DAYS = {
    IdentifierKind.PERSONNUMMER: "0[1-9]|[12][0-9]|3[01]",
    IdentifierKind.SAMORDNINGSNUMMER: "6[1-9]|[78][0-9]|9[01]",  # the day of birth + 60
}


def _identity_pattern(*kinds: IdentifierKind) -> re.Pattern[str]:
    return re.compile(_IDENTITY.format(sep=_SEP, days="|".join(_DAYS[kind] for kind in kinds)), re.VERBOSE)


_ANY_IDENTITY = _identity_pattern(*_DAYS)
_OTHER_IDENTITY = {  # once one kind is found, only the other one is looked for
    IdentifierKind.PERSONNUMMER: _identity_pattern(IdentifierKind.SAMORDNINGSNUMMER),
    IdentifierKind.SAMORDNINGSNUMMER: _identity_pattern(IdentifierKind.PERSONNUMMER),
}
_TIMESTAMP_AGE = dt.timedelta(days=2 * 365)
_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# Luhn's sum of a pair of digits, the first doubled (its two digits summed): five lookups check ten digits.
_LUHN_PAIRS = {f"{a}{b}": (2 * a) // 10 + (2 * a) % 10 + b for a in range(10) for b in range(10)}


def _luhn_valid(digits: str) -> bool:
    return sum(_LUHN_PAIRS[digits[i : i + 2]] for i in range(0, 10, 2)) % 10 == 0


def _birth_date(century: str | None, yy: str, mm: str, dd: str, plus: bool, today: dt.date) -> dt.date | None:
    """The date a personnummer's digits stand for, or None when there is no such day.

    Without a century it is the latest such date not after today, a century earlier after a "+" (aged 100 or more).
    """
    month, day = int(mm), int(dd) - 60 if int(dd) > 60 else int(dd)  # day + 60 in a samordningsnummer
    if century:
        year = int(century + yy)
    else:
        year = today.year - (today.year - int(yy)) % 100
        if (month, day) > (today.month, today.day) and year == today.year:
            year -= 100
        year -= 100 if plus else 0
    if day > (29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month]):
        return None
    return dt.date(year, month, day)


def _is_identity_number(match: re.Match[str], today: dt.date) -> bool:
    """Whether a personnummer-shaped match is one: a valid Luhn digit, a possible date, not a recent timestamp."""
    mm, dd, serial, plus = match["mm"], match["dd"], match["serial"], "+" in (match["plus"] or "")
    if match["yy"]:
        readings = [(match["head"], match["yy"])]
        if match.start("yy") > match.end("head"):  # "20 811218-9876": the head may be a number of its own
            readings.append((None, match["yy"]))
    else:
        readings = [(None, match["head"])]
    if not _luhn_valid(readings[-1][1] + mm + dd + serial):
        return False
    reads_as_time = int(serial[:2]) < 24 and int(serial[2:]) < 60
    for century, yy in readings:
        born = _birth_date(century, yy, mm, dd, plus and not century, today)
        if born is not None and born <= today and not (reads_as_time and today - born < _TIMESTAMP_AGE):
            return True
    return False


def _identity_kinds(text: str, today: dt.date) -> set[IdentifierKind]:
    """The kinds of identity numbers in ``text``: one scan, narrowed to the other kind once one is found."""
    found: set[IdentifierKind] = set()
    rejected: set[str] = set()  # a text repeating one near miss is checked once
    pattern, position = _ANY_IDENTITY, 0
    while len(found) < len(_DAYS) and (match := pattern.search(text, position)) is not None:
        position = match.start() + 1
        if match[0] in rejected:
            continue
        if _is_identity_number(match, today):
            kind = IdentifierKind.SAMORDNINGSNUMMER if match["dd"] > "60" else IdentifierKind.PERSONNUMMER
            found.add(kind)
            pattern = _OTHER_IDENTITY[kind]
        else:
            rejected.add(match[0])
    return found


def _find(pattern: re.Pattern[str], text: str, accept: Callable[[re.Match[str]], bool]) -> re.Match[str] | None:
    """The first match of ``pattern`` that ``accept`` takes, trying every start (a rejected match hides nothing)."""
    position = 0
    while (match := pattern.search(text, position)) is not None:
        if accept(match):
            return match
        position = match.start() + 1
    return None


# --- phone numbers ---------------------------------------------------------------------------------------------

_PHONE_SEP = r"[ ./_()-]{1,5}"
# After the trunk zero: the number whole, or an area code and a subscriber number that starts with 1-9 (one
# digit and two after a dot or slash is a time or a date: 08.15, 01/12).
_PHONE_BODY = rf"""
    (?: (?P<whole>[1-9][0-9]{{6,8}})
      | (?P<area>[1-9](?![./][0-9]{{2}}(?![0-9]))|[1-9][0-9]{{1,2}})
        (?P<subscriber>{_PHONE_SEP}[1-9](?:[0-9]{{1,2}}|[0-9]{{4,7}})(?![0-9])(?:{_PHONE_SEP}[0-9]{{2,4}}){{0,3}}) )
    (?![0-9])
"""
_NATIONAL = re.compile(rf"0(?<![0-9+]0)(?<![0-9][.,:/-]0){_PHONE_BODY}", re.VERBOSE)
_INTERNATIONAL = re.compile(
    rf"""(?: (?:\+\ ?|0(?<![0-9]0)0\ ?)46[ ./_-]{{0,5}}(?:\(0\)[ ./_-]{{0,5}}|0)?   # +46, 0046, then (0) or 0
           | 4(?<![0-9+]4)6 )                                                  # 46 written together with it
    {_PHONE_BODY}""",
    re.VERBOSE,
)
_PHONE_GROUP = re.compile(r"[0-9]+")


def _is_phone(match: re.Match[str], today: dt.date) -> bool:
    """Whether a phone-shaped match has 7–9 digits after the trunk zero at a group boundary (and is no personnummer).

    The pattern has checked the grouping: the number whole, or an area code of 1–3 digits and a subscriber number
    of 5–8 digits or in groups of 2–3 (not a 4-digit group first: "0393 1201" are two crime codes; a group of
    four only after one of three: "070-123 4567").
    """
    if match["whole"]:
        digits = match["whole"]
    else:
        digits, previous = match["area"], ""
        for group in _PHONE_GROUP.findall(match["subscriber"]):
            if len(digits) + len(group) > 9 or (previous and len(group) == 4 and len(previous) != 3):
                break
            digits, previous = digits + group, group
    return 7 <= len(digits) <= 9 and not _reads_as_identity_number(match[0], today)


def _reads_as_identity_number(text: str, today: dt.date) -> bool:
    """Whether a match is 10 digits that make a valid personnummer or samordningsnummer (reported as that alone)."""
    return len(text) == 10 and text.isdigit() and bool(_identity_kinds(text, today))


# --- e-mail addresses ------------------------------------------------------------------------------------------

# An e-mail address: a letter or digit, perhaps spaces, an at-form, then labels and dot-forms up to a top-level
# domain of letters. The pattern starts at the at-form and looks back for the letter before it.
_OPEN, _CLOSE = r"[(\[{<]", r"[)\]}>]"
_AT = rf"""
    (?: @(?:(?<=[^\W_]@)|(?<=[^\W_]\ @)|(?<=[^\W_]\ \ @))
      | {_OPEN}(?:(?<=[^\W_].)|(?<=[^\W_]\ .)|(?<=[^\W_]\ \ .))\ *+(?:at|snabel-a)\ *+{_CLOSE}
      | \ (?<=[^\W_]\ )(?:at|snabel-a)\ (?=\ *+[^\W_]) )
    \ *+"""
_DOT = rf"(?:\.|\ *+{_OPEN}\ *+(?:dot|punkt)\ *+{_CLOSE}\ *+|\ ++(?:dot|punkt)\ ++)"
_LABEL = r"[^\W_][\w-]*+"
_EMAIL = re.compile(rf"{_AT}(?:{_LABEL}{_DOT}){{1,10}}[^\W\d_]{{2}}", re.IGNORECASE | re.VERBOSE)

# --- vehicle registration plates -------------------------------------------------------------------------------

_PLATE_LETTER = "A-HJ-PR-UW-Z"  # not I, Q or V
_PLATE_LAST = "A-HJ-NPR-UW-Z"  # nor O in the last place
# Capitals that stand before numbers in everyday text: emergency, currencies, laws, references.
_NOT_PLATES = "SOS|SEK|EUR|USD|GBP|NOK|DKK|CHF|LSS|LOU|PBL|BRB|SFS|DNR|KAP|TEL|FAX|NUM|REF|PKT|AVD|NRS|TKR|MKR|SMS"
_PLATE_TAIL = rf"(?:[0-9]{{3}}|[0-9]{{2}}[{_PLATE_LAST}])(?![^\W_])"
_UPPER_PLATE = re.compile(
    rf"[{_PLATE_LETTER}](?<![^\W_].)[{_PLATE_LETTER}]{{2}}(?<!{_NOT_PLATES})[ -]{{0,2}}{_PLATE_TAIL}"
)
_ANY_CASE_PLATE = re.compile(rf"[{_PLATE_LETTER}](?<![^\W_].)[{_PLATE_LETTER}]{{2}}-?{_PLATE_TAIL}", re.IGNORECASE)


# --- the detector ----------------------------------------------------------------------------------------------


def find_identifiers(text: str) -> list[IdentifierKind]:
    """The kinds of identifiers of a person found in ``text`` – deduplicated, in a stable order, never the values."""
    if not text:
        return []
    text = _normalise(text)
    today = dt.date.today()

    def phone(match: re.Match[str]) -> bool:
        return _is_phone(match, today)

    identities = _identity_kinds(text, today)
    found = {
        IdentifierKind.PERSONNUMMER: IdentifierKind.PERSONNUMMER in identities,
        IdentifierKind.SAMORDNINGSNUMMER: IdentifierKind.SAMORDNINGSNUMMER in identities,
        IdentifierKind.EMAIL: _EMAIL.search(text) is not None,
        IdentifierKind.PHONE: any(_find(pattern, text, phone) for pattern in (_NATIONAL, _INTERNATIONAL)),
        IdentifierKind.PLATE: any(pattern.search(text) for pattern in (_ANY_CASE_PLATE, _UPPER_PLATE)),
    }
    return [kind for kind, present in found.items() if present]


def messages_for(kinds: list[IdentifierKind]) -> list[str]:
    """One message per kind in the current language, e.g. ``"Innehåller ett personnummer; ta bort det."``."""
    return [_(_MESSAGES[kind]) for kind in kinds]


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
        raise PersonalDataError(_(MESSAGE), errors, code="privacy.personal_data")


class FreeText(fields.String):
    """A marshmallow string field that refuses identifiers of persons, naming the kind but never the value.

    It needs a ``Length`` validator with a maximum, and checks that length before the guard reads the text: a
    long text is refused for its length, whatever it holds.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lengths = [v for v in self.validators if isinstance(v, validate.Length) and v.max is not None]
        if not self.lengths:
            raise TypeError("FreeText needs validate=Length(max=…): every free text has a maximum length")

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        for length in self.lengths:
            length(text)
        if text:
            kinds = find_identifiers(text)
            if kinds:
                raise ValidationError(messages_for(kinds))
        return text
