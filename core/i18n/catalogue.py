"""The catalogues' upkeep: find every message id in the code and templates, bring ``sv`` and ``en`` up to date with
them, and say what is untranslated. ``est i18n update`` and ``est i18n check`` (core.cli) and the completeness test
(tests/test_i18n.py) use this module.

Message ids are English, so a new entry of the ``en`` catalogue starts as its own id (not fuzzy); a new ``sv``
entry starts empty, for a person to translate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import check_and_call_extract_file
from babel.messages.pofile import read_po, write_po

from core.i18n import LOCALES, catalogue_path

ROOT = Path(__file__).resolve().parent.parent.parent
SOURCES = ("core", "plugins")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "_l": None}
METHODS = [("**/migrations/**", "ignore"), ("**.py", "python"), ("**/templates/**.html", "jinja2")]
HEADER = "Messages of est; message ids are English. Edit with `est i18n update`, see README."
# Fixed, so that an update changes only the entries (the catalogues are merged between branches).
CREATED = datetime(2026, 12, 6, tzinfo=UTC)


def extract() -> Catalog:
    """Every message id in core/ and plugins/ (Python and templates) and marshmallow's own messages."""
    from core.i18n import marshmallow_messages

    catalogue = Catalog(project="est", version="1", header_comment=f"# {HEADER}", creation_date=CREATED)
    for source in SOURCES:
        for path in sorted((ROOT / source).rglob("*")):
            filename = path.relative_to(ROOT).as_posix()
            for _name, lineno, message, comments, context in check_and_call_extract_file(
                filename, METHODS, {}, None, KEYWORDS, (), True, dirpath=str(ROOT)
            ):
                catalogue.add(message, locations=[(filename, lineno)], auto_comments=comments, context=context)
    for msgid in sorted(marshmallow_messages.messages()):
        catalogue.add(msgid, locations=[("marshmallow", 0)])
    return catalogue


def read(locale: str) -> Catalog:
    with catalogue_path(locale).open("rb") as po:
        return read_po(po, locale=locale)


def update() -> dict[str, int]:
    """Bring both catalogues up to date with the code: new ids added, vanished ones dropped. Answers how many
    entries of each still need a translation."""
    template = extract()
    untranslated = {}
    for locale in LOCALES:
        path = catalogue_path(locale)
        catalogue = read(locale) if path.exists() else Catalog(locale=locale, header_comment=f"# {HEADER}")
        catalogue.update(template, no_fuzzy_matching=True)
        catalogue.obsolete.clear()
        catalogue.fuzzy = False
        catalogue.project, catalogue.version = "est", "1"
        catalogue.revision_date = CREATED
        if locale == "en":
            for message in catalogue:
                if message.id and not message.string:
                    message.string = message.id
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as po:
            write_po(po, catalogue, width=120, sort_output=True, include_lineno=False)
        untranslated[locale] = len(problems(catalogue, template)[1])
    return untranslated


@dataclass(frozen=True)
class Check:
    """What is wrong with one catalogue against the code."""

    missing: list[str]
    untranslated: list[str]
    fuzzy: list[str]
    stale: list[str]

    @property
    def ok(self) -> bool:
        return not (self.missing or self.untranslated or self.fuzzy or self.stale)


def _key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def problems(catalogue: Catalog, template: Catalog) -> tuple[list[str], list[str], list[str], list[str]]:
    wanted = {_key(m) for m in template if m.id}
    present = {_key(m): m for m in catalogue if m.id}
    missing = sorted(wanted - present.keys())
    untranslated = sorted(
        key for key, m in present.items()
        if not (all(m.string) if isinstance(m.string, tuple | list) else m.string)
    )  # fmt: skip
    fuzzy = sorted(key for key, m in present.items() if m.fuzzy)
    stale = sorted(present.keys() - wanted)
    return missing, untranslated, fuzzy, stale


def check() -> dict[str, Check]:
    """Each catalogue's missing, untranslated, fuzzy and stale entries against the code."""
    template = extract()
    return {locale: Check(*problems(read(locale), template)) for locale in LOCALES}
