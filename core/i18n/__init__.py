"""Languages: Swedish first, English available.

Code and message ids are English (gettext practice); ``core/translations/<locale>/LC_MESSAGES/messages.po`` holds
the ``sv`` and ``en`` catalogues. The catalogues are compiled in memory on first use (no ``.mo`` file is built or
committed). Every text a person reads goes through :func:`_`::

    raise NotFound(_("Report not found."), code="report.not_found")
    _("Cycle is {state}; compiling happens in compiling.", state=cycle.state)

Parameters are ``str.format`` fields; a datetime parameter is written for the locale by Babel (see
:func:`format_moment`). A text defined before any locale is known (a module constant, a schema's error message) is
marked with :func:`N_` and translated where it is used, or made lazy with :func:`_l`.

The locale of a request is the pages' language switch on this device (cookie ``est_lang``), else the user's own
setting (``users.locale``), else the best of ``Accept-Language``, else Swedish; outside a request (CLI, jobs) it
is ``EST_LOCALE`` (default Swedish), and :func:`use_locale` sets it for a block
(e-mails are written in their recipient's language).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, tzinfo
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.dates import format_date, format_time, get_datetime_format
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

if TYPE_CHECKING:
    from flask import Flask

LOCALES = ("sv", "en")
DEFAULT_LOCALE = "sv"
LANGUAGE_COOKIE = "est_lang"  # the pages' language switch
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

_forced: ContextVar[str | None] = ContextVar("est_locale", default=None)


def catalogue_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


@cache
def translations(locale: str) -> Translations:
    """The compiled catalogue of ``locale``, built in memory from its ``.po`` file once per process."""
    with catalogue_path(locale).open("rb") as po:
        catalogue = read_po(po, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled)


def valid_locale(value: str | None) -> str | None:
    return value if value in LOCALES else None


def current_locale() -> str:
    """The locale texts are written in now (see the module docstring for the order)."""
    forced = _forced.get()
    if forced:
        return forced
    from flask import g, has_request_context, request

    if has_request_context():
        own = valid_locale(request.cookies.get(LANGUAGE_COOKIE)) or valid_locale(g.get("user_locale"))
        return own or request.accept_languages.best_match(LOCALES, default=DEFAULT_LOCALE)
    return valid_locale(os.environ.get("EST_LOCALE")) or DEFAULT_LOCALE


def init_app(app: Flask) -> None:
    """Note the caller's own language once, as the request starts (after the caller is known): reading it from
    the ORM object later could load it again in a failed transaction, such as the one an error handler sees."""

    @app.before_request
    def _note_user_locale() -> None:
        from flask import g

        user = g.get("user")
        g.user_locale = user.locale if user is not None else None

    app.jinja_env.globals.update(jinja_globals())


@contextmanager
def use_locale(locale: str | None) -> Iterator[None]:
    """Write texts in ``locale`` within the block (``None``: Swedish)."""
    token = _forced.set(valid_locale(locale) or DEFAULT_LOCALE)
    try:
        yield
    finally:
        _forced.reset(token)


def _format(text: str, params: dict[str, Any]) -> str:
    if not params:
        return text
    return text.format(**{name: _param(value) for name, value in params.items()})


def _param(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_moment(value)
    if isinstance(value, LazyText):
        return str(value)
    return value


def gettext(msgid: str, **params: Any) -> str:
    """``msgid`` in the current locale, its ``{fields}`` filled from ``params``."""
    return _format(translations(current_locale()).gettext(msgid), params)


_ = gettext


def tenant_text(msgid: str, **params: Any) -> str:
    """``msgid`` for a text stored with the tenant's data and read by all its members (a picture's title, a
    version's note): written in the tenant's language, Swedish, whoever's request makes it."""
    with use_locale(DEFAULT_LOCALE):
        return gettext(msgid, **params)


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    """The singular or plural form for ``n`` in the current locale; ``{n}`` is available to the text."""
    return _format(translations(current_locale()).ngettext(singular, plural, n), {"n": n, **params})


def N_(msgid: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark ``msgid`` for the catalogue without translating it now: translate it with :func:`_` where it is used."""
    return msgid


class LazyText(str):
    """A text translated when it is written out (``str()``), not when it is made: for texts made at import time
    that a person reads later, like marshmallow's error messages. It is the English text as a plain string (so
    marshmallow can treat it as one); ``format`` keeps it lazy, replaying each call in the reader's locale."""

    msgid: str
    formats: tuple[dict[str, Any], ...]

    def __new__(cls, msgid: str, formats: tuple[dict[str, Any], ...] = ()) -> LazyText:
        english = msgid
        for params in formats:
            english = english.format(**{name: _english(value) for name, value in params.items()})
        text = super().__new__(cls, english)
        text.msgid, text.formats = msgid, formats
        return text

    def format(self, *args: Any, **params: Any) -> LazyText:  # type: ignore[override]
        if args:
            raise TypeError("LazyText.format takes keyword fields only")
        return LazyText(self.msgid, (*self.formats, params))

    def __str__(self) -> str:
        text = translations(current_locale()).gettext(self.msgid)
        for params in self.formats:
            text = text.format(**{name: _param(value) for name, value in params.items()})
        return text

    def __reduce__(self) -> tuple:
        return LazyText, (self.msgid, self.formats)


def _english(value: Any) -> Any:
    return str.__str__(value) if isinstance(value, LazyText) else value


def _l(msgid: str) -> LazyText:
    """``msgid`` translated when it is written out (see :class:`LazyText`)."""
    return LazyText(msgid)


def format_moment(moment: datetime, zone: tzinfo | None = None) -> str:
    """A moment as people read it in the current locale, e.g. "fredag 20 mars 2026 10:00" or "Friday, March 20,
    2026, 10:00 AM", in ``zone`` (default: the moment's own)."""
    locale = current_locale()
    local = moment.astimezone(zone) if zone is not None else moment
    pattern = get_datetime_format("full", locale=locale)
    return pattern.format(format_time(local, "short", locale=locale), format_date(local, "full", locale=locale))


def jinja_globals() -> dict[str, Any]:
    """What templates get: ``_``, ``gettext``, ``ngettext`` and the current ``locale`` (for ``<html lang>``)."""
    return {"_": gettext, "gettext": gettext, "ngettext": ngettext, "current_locale": current_locale}
