"""The personal-data guard: identifiers of persons are refused, everyday EST text is not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError
from marshmallow.validate import Length

from core.errors import PersonalDataError
from core.i18n import gettext
from core.privacy import MESSAGE, FreeText, IdentifierKind, check_free_text, find_identifiers, messages_for
from tests.privacy_corpus import ACCEPTED, EMAIL, PHONE, PLATE, PNR, REFUSED, SAM, control_digit

IDENTITY_KINDS = {PNR, SAM}

deterministic = settings(derandomize=True, max_examples=200, deadline=None)


def identity_number(date: dt.date, serial: int, *, coordination: bool, twelve: bool, separator: str, wrong=0) -> str:
    day = date.day + (60 if coordination else 0)
    short = f"{date:%y%m}{day:02d}"
    nine = f"{short}{serial:03d}"
    control = (int(control_digit(nine)) + wrong) % 10
    prefix = f"{date.year // 100}" if twelve else ""
    return f"{prefix}{short}{separator}{serial:03d}{control}"


@pytest.fixture(autouse=True)
def clean_database() -> Iterator[None]:
    """The guard touches no database: nothing to wipe after each of these tests (hundreds of them)."""
    yield


# --- the corpus ------------------------------------------------------------------------------------------------


def test_corpus_holds_at_least_300_cases_in_both_directions() -> None:
    assert len(REFUSED) >= 150 and len(ACCEPTED) >= 150
    assert len(REFUSED) + len(ACCEPTED) >= 300


@pytest.mark.parametrize(("text", "kinds"), REFUSED, ids=[repr(text)[:60] for text, _ in REFUSED])
def test_corpus_refused_with_the_right_kinds(text: str, kinds: list[IdentifierKind]) -> None:
    assert find_identifiers(text) == kinds


@pytest.mark.parametrize("text", ACCEPTED, ids=[repr(text)[:60] for text in ACCEPTED])
def test_corpus_accepted(text: str) -> None:
    assert find_identifiers(text) == []


def test_control_digit_of_the_issue_examples() -> None:
    assert control_digit("811218987") == "6"


@pytest.mark.parametrize(
    "text",
    [
        "19811218-9875",  # fails Luhn
        "811218-9875",
        "8112189870",
        "811318-" + "987" + control_digit("811318987"),  # month 13
        "811232-" + "987" + control_digit("811232987"),  # day 32
        "811292-" + "987" + control_digit("811292987"),  # day 92 (samordningsnummer stops at 91)
        "811200-" + "987" + control_digit("811200987"),  # day 00
        "810229-" + "987" + control_digit("810229987"),  # 1981 was no leap year
        "17811218-9876",  # no such century
        "19000229-1235",  # 1900 was no leap year
        "119811218-9876",  # inside a longer run of digits
        "98112189876",
        "8112189876543",
        "20811218-9876+",  # born in 2081: not yet
    ],
)
def test_ordinary_numbers_accepted(text: str) -> None:
    assert not IDENTITY_KINDS & set(find_identifiers(text))


def test_a_separate_century_like_number_does_not_hide_a_personnummer() -> None:
    assert find_identifiers("kl 20 811218-9876") == [PNR]


def test_identity_number_without_separator_is_not_also_a_phone_number() -> None:
    assert find_identifiers("0112189873") == [PNR]


def _timestamp(day: dt.date) -> str:
    """A compact timestamp of ``day`` whose digits would pass as a personnummer by Luhn alone."""
    for minute in range(24 * 60):
        clock = f"{minute // 60:02d}{minute % 60:02d}"
        if control_digit(f"{day:%y%m%d}{clock[:3]}") == clock[3]:
            return f"{day:%Y%m%d}{clock}"
    raise AssertionError("every day has such a minute")


def test_compact_timestamps_of_recent_days_accepted() -> None:
    for days_ago in (0, 1, 11, 100, 700):
        stamp = _timestamp(dt.date.today() - dt.timedelta(days=days_ago))
        for text in (f"Logg {stamp}", f"Logg {stamp[:4]}-{stamp[4:6]}-{stamp[6:8]} {stamp[8:]}"):
            assert find_identifiers(text) == [], text


def test_the_same_digits_for_an_older_day_are_a_personnummer() -> None:
    stamp = _timestamp(dt.date.today() - dt.timedelta(days=3 * 365))
    assert find_identifiers(f"Logg {stamp}") == [PNR]


def test_a_birth_date_in_the_future_is_no_personnummer() -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    number = identity_number(tomorrow, 123, coordination=False, twelve=True, separator="-")
    assert find_identifiers(number) == []


def test_every_message_names_the_kind_and_a_plate_says_why() -> None:
    for kind, message in zip(IdentifierKind, messages_for(list(IdentifierKind)), strict=True):
        assert str(kind) in message
    assert "ägare" in messages_for([PLATE])[0]


def test_kinds_are_deduplicated_in_a_stable_order() -> None:
    text = "a@b.se 070-123 45 67 811278-9873 811218-9876 c@d.se 19811218-9876"
    assert find_identifiers(text) == [PNR, SAM, EMAIL, PHONE]


# --- check_free_text -------------------------------------------------------------------------------------------


def test_check_free_text_passes_clean_none_and_empty_fields() -> None:
    check_free_text({"comment": "Lugnt vid torget kl. 22:15.", "note": None, "place.text": "", "other": "  "})
    check_free_text({})


def test_check_free_text_refuses_all_offending_fields_at_once() -> None:
    with pytest.raises(PersonalDataError) as caught:
        check_free_text(
            {
                "comment": "Ägaren 811218-9876 hördes.",
                "summary": "Inget särskilt.",
                "place.text": "Ring 070-123 45 67 eller mejla a@b.se",
            }
        )
    error = caught.value
    assert error.status == 422
    assert error.message == gettext(MESSAGE) == str(error)
    assert error.message == "Fritext får inte innehålla uppgifter om enskilda personer."
    assert error.errors == {
        "comment": ["Innehåller ett personnummer; ta bort det."],
        "place.text": ["Innehåller en e-postadress; ta bort den.", "Innehåller ett telefonnummer; ta bort det."],
    }


def test_check_free_text_names_samordningsnummer() -> None:
    with pytest.raises(PersonalDataError) as caught:
        check_free_text({"measures[0].description": "811278-9873"})
    assert caught.value.errors == {"measures[0].description": ["Innehåller ett samordningsnummer; ta bort det."]}


def test_check_free_text_rejects_non_strings() -> None:
    with pytest.raises(TypeError):
        check_free_text({"comment": 8112189876})  # type: ignore[dict-item]


# --- marshmallow -----------------------------------------------------------------------------------------------


class ObservationSchema(Schema):
    comment = FreeText(required=True, validate=Length(max=4000))
    note = FreeText(allow_none=True, load_default=None, validate=Length(max=40))


def test_free_text_field_accepts_clean_text() -> None:
    assert ObservationSchema().load({"comment": "Klotter på skolan, v. 12.", "note": None}) == {
        "comment": "Klotter på skolan, v. 12.",
        "note": None,
    }


def test_free_text_field_names_field_and_kind_never_the_value() -> None:
    with pytest.raises(ValidationError) as caught:
        ObservationSchema().load({"comment": "Pnr 19811218-9876", "note": "a@b.se"})
    messages = caught.value.messages
    assert messages == {
        "comment": ["Innehåller ett personnummer; ta bort det."],
        "note": ["Innehåller en e-postadress; ta bort den."],
    }
    assert "9876" not in repr(messages) and "a@b.se" not in repr(messages)


def test_free_text_field_checks_the_length_before_the_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    def guard(_text: str) -> list[IdentifierKind]:
        raise AssertionError("the guard read a text that is too long")

    monkeypatch.setattr("core.privacy.find_identifiers", guard)
    with pytest.raises(ValidationError) as caught:
        ObservationSchema().load({"comment": "811218-9876 " * 400_000})
    assert list(caught.value.messages) == ["comment"]


def test_free_text_field_needs_a_maximum_length() -> None:
    with pytest.raises(TypeError, match="Length"):
        FreeText()
    with pytest.raises(TypeError, match="Length"):
        FreeText(validate=Length(min=1))


def test_free_text_field_still_validates_type() -> None:
    with pytest.raises(ValidationError) as caught:
        ObservationSchema().load({"comment": 12})
    assert "comment" in caught.value.messages


# --- properties ------------------------------------------------------------------------------------------------

WORDS = [
    "trygghetsvandring",
    "vid",
    "torget",
    "kl.",
    "bilbrand",
    "Storgatan",
    "ungdomar",
    "samlades",
    "och",
    "skadegörelse",
    "på",
    "skolan",
    "enligt",
    "polisen",
    "åtgärd",
    "belysning",
    "ökad",
    "närvaro",
    "Örebro",
    "häromkvällen",
]
# Surrounding text without digits, "@" or "+": it can hold no identifier of its own.
filler = st.one_of(
    st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäöÅÄÖ .,;:!?()–-\n", max_size=40),
)
# Birth dates that 10 digits with "-" stand for (under 100 years old), and older than any timestamp.
dates = st.dates(min_value=dt.date(dt.date.today().year - 98, 1, 1), max_value=dt.date(2023, 12, 31))
serials = st.integers(min_value=0, max_value=999)
separators = st.sampled_from(["-", "+", "", " "])


@st.composite
def embedded_identity_numbers(draw: st.DrawFn, wrong: bool = False) -> tuple[str, str, IdentifierKind]:
    coordination = draw(st.booleans())
    date = draw(dates)
    assume(date != dt.date(2000, 2, 29))  # "000229+…" would be 1900-02-29, which did not exist
    number = identity_number(
        date,
        draw(serials),
        coordination=coordination,
        twelve=draw(st.booleans()),
        separator=draw(separators),
        wrong=draw(st.integers(min_value=1, max_value=9)) if wrong else 0,
    )
    text = f"{draw(filler)} {number} {draw(filler)}"
    return text, number, SAM if coordination else PNR


@deterministic
@given(embedded_identity_numbers())
def test_property_valid_identity_numbers_are_refused(case: tuple[str, str, IdentifierKind]) -> None:
    text, _, kind = case
    assert find_identifiers(text) == [kind]


@deterministic
@given(embedded_identity_numbers(wrong=True))
def test_property_wrong_control_digit_is_an_ordinary_number(case: tuple[str, str, IdentifierKind]) -> None:
    text, number, _ = case
    kinds = find_identifiers(text)
    assert not IDENTITY_KINDS & set(kinds)
    if not number.startswith("0"):  # 0112189870 is shaped like a phone number, and may be refused as one
        assert kinds == []


@deterministic
@given(embedded_identity_numbers(), st.sampled_from(["comment", "place.text", "measures.0.note"]))
def test_property_refusal_never_echoes_the_value(case: tuple[str, str, IdentifierKind], field: str) -> None:
    text, number, kind = case
    with pytest.raises(PersonalDataError) as caught:
        check_free_text({field: text, "summary": "Lugnt."})
    error = caught.value
    digits = "".join(char for char in number if char.isdigit())
    for rendered in (str(error), error.message, repr(error.errors), repr(error.args)):
        assert number not in rendered
        assert digits[-4:] not in rendered
        assert digits[:6] not in rendered
    assert list(error.errors) == [field]
    assert str(kind) in error.errors[field][0]


# --- properties over every separator and digit form ------------------------------------------------------------

DASHES = ["-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "\ufe58", "\ufe63", "\uff0d"]
SPACES = [" ", "\u00a0", "\u202f", "\u2009", "\u2002", "\u3000", "\t", "\n"]
SEPARATORS = [*DASHES, *SPACES, ".", "/", "_", "\uff0e", "\uff0f"]
FORMATS = ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff"]
# The zero of each script whose ten digits are contiguous code points.
ZEROS = [
    "0",
    "\uff10",
    "\U0001d7ce",
    "\U0001d7d8",
    "\U0001d7e2",
    "\U0001d7f6",
    "\u0660",
    "\u06f0",
    "\u0966",
    "\u09e6",
    "\u0e50",
]

separator_runs = st.one_of(
    st.sampled_from(SEPARATORS),
    st.tuples(st.sampled_from(SPACES), st.sampled_from(DASHES)).map(lambda pair: f"{pair[0]}{pair[1]}{pair[0]}"),
    st.sampled_from(SEPARATORS).map(lambda separator: separator * 2),
)


@st.composite
def disguised(draw: st.DrawFn, groups: list[str], joiners: list[str]) -> str:
    """``groups`` joined by ``joiners``, in one script's digits, with format characters slipped in."""
    zero = draw(st.sampled_from(ZEROS))
    text = "".join(group + joiner for group, joiner in zip(groups, [*joiners, ""], strict=True))
    text = "".join(chr(ord(zero) + int(char)) if char.isdigit() else char for char in text)
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        position = draw(st.integers(min_value=1, max_value=len(text) - 1))
        text = text[:position] + draw(st.sampled_from(FORMATS)) + text[position:]
    return text


@st.composite
def grouped_identity_numbers(draw: st.DrawFn) -> tuple[str, IdentifierKind]:
    coordination = draw(st.booleans())
    date = draw(dates)
    nine = f"{date:%y%m}{date.day + (60 if coordination else 0):02d}{draw(serials):03d}"
    serial = nine[6:] + control_digit(nine)
    century = f"{date.year // 100}"
    style = draw(st.sampled_from(["compact date", "grouped date", "twelve grouped", "twelve compact"]))
    if style == "compact date":
        groups = [nine[:6], serial]
    elif style == "grouped date":
        groups = [nine[:2], nine[2:4], nine[4:6], serial]
    elif style == "twelve grouped":
        groups = [century + nine[:2], nine[2:4], nine[4:6], serial]
    else:
        groups = [century + nine[:6], serial]
    joiners = [draw(separator_runs) for _ in groups[1:]]
    text = draw(disguised(groups, joiners))
    return f"{draw(filler)} {text} {draw(filler)}", SAM if coordination else PNR


@deterministic
@given(grouped_identity_numbers())
def test_property_identity_numbers_refused_however_grouped_and_written(case: tuple[str, IdentifierKind]) -> None:
    text, kind = case
    assert find_identifiers(text) == [kind]


AREA_CODES = ["8", "11", "13", "16", "18", "19", "21", "31", "35", "40", "46", "54", "60", "90", "470", "980", "920"]


@st.composite
def phone_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """A Swedish number written one of the ways people write it, and its digits after the trunk zero."""
    mobile = draw(st.booleans())
    area = draw(st.sampled_from(["70", "72", "73", "76", "79"])) if mobile else draw(st.sampled_from(AREA_CODES))
    length = 7 if mobile else draw(st.integers(min_value=max(5, 7 - len(area)), max_value=9 - len(area)))
    subscriber = str(draw(st.integers(min_value=1, max_value=9))) + "".join(
        str(draw(st.integers(min_value=0, max_value=9))) for _ in range(length - 1)
    )
    if draw(st.booleans()):  # in groups of two and three, as people write them
        cut = 3 if len(subscriber) % 2 else 2
        groups = [subscriber[:cut]] + [subscriber[i : i + 2] for i in range(cut, len(subscriber), 2)]
    else:
        groups = [subscriber]
    prefix = draw(st.sampled_from(["0", "(0", "+46 ", "+46 (0)", "+46", "0046 ", "0046-", "+46 0"]))
    head = prefix + area + (")" if prefix == "(0" else "")
    joiners = [draw(separator_runs) for _ in groups]
    return draw(disguised([head, *groups], joiners)), area + subscriber


@deterministic
@given(phone_numbers(), filler, filler)
def test_property_phone_numbers_refused_however_grouped_and_written(
    case: tuple[str, str], before: str, after: str
) -> None:
    number, digits = case
    kinds = find_identifiers(f"{before} {number} {after}")
    if len(digits) == 9 and kinds and set(kinds) <= IDENTITY_KINDS:
        return  # ten digits that are also a valid personnummer are reported as that
    assert kinds == [PHONE]


@st.composite
def email_addresses(draw: st.DrawFn) -> str:
    local = draw(st.sampled_from(["kalle", "anna.andersson", "k_a", "åsa", "info", "x1"]))
    domain = draw(st.sampled_from(["example", "orebro.kommun", "exempel-bolaget", "mail"]))
    tld = draw(st.sampled_from(["se", "nu", "com", "org"]))
    at = draw(
        st.sampled_from(
            [
                "@",
                " @ ",
                "@ ",
                "\uff20",
                "\ufe6b",
                "(at)",
                " (at) ",
                "[at]",
                " [AT] ",
                "{at}",
                " at ",
                " snabel-a ",
                "<at>",
            ]
        )
    )
    dot = draw(st.sampled_from([".", ".", "\uff0e", "(dot)", " [dot] ", " dot ", " (punkt) ", " punkt "]))
    return local + at + domain.replace(".", dot) + dot + tld


@deterministic
@given(email_addresses(), filler, filler)
def test_property_email_addresses_refused_however_disguised(address: str, before: str, after: str) -> None:
    assert find_identifiers(f"{before} {address} {after}") == [EMAIL]


@st.composite
def dates_and_times(draw: st.DrawFn) -> str:
    """Everyday dates, times and ranges, with any dash or space and in any script's digits."""
    date = draw(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31)))
    hours = draw(st.lists(st.integers(min_value=0, max_value=23), min_size=2, max_size=2))
    minutes = draw(st.lists(st.sampled_from([0, 5, 15, 30, 45, 59]), min_size=2, max_size=2))
    dash, space = draw(st.sampled_from(DASHES)), draw(st.sampled_from(SPACES))
    dot = draw(st.sampled_from([".", ":"]))
    choices = [
        f"{date:%Y}{dash}{date:%m}{dash}{date:%d}",
        f"{date:%d}.{date:%m}.{date:%Y}",
        f"{date.day}/{date.month}",
        f"{date:%d}/{date:%m}{space}{date:%Y}",
        f"{hours[0]:02d}{dot}{minutes[0]:02d}{space}{dash}{space}{hours[1]:02d}{dot}{minutes[1]:02d}",
        f"kl{space}{hours[0]}{dash}{hours[1]}",
        f"{date:%Y}{dash}{date:%m}{dash}{date:%d}{space}{hours[0]:02d}{dot}{minutes[0]:02d}",
        f"v{space}{date.isocalendar().week:02d}{dash}{(date.isocalendar().week % 52) + 1:02d}",
    ]
    text = draw(st.sampled_from(choices))
    return draw(disguised([text], []))


@deterministic
@given(dates_and_times(), filler, filler)
def test_property_dates_and_times_accepted(text: str, before: str, after: str) -> None:
    assert find_identifiers(f"{before} {text} {after}") == []
