"""The pages' language: Swedish by default, English by a switch remembered in a cookie (``core.i18n``).

Templates write their texts as ``{{ _("English msgid") }}``, translated through the catalogues (core/translations).
The tenant's own content (checklist, areas, functions) is Swedish whatever the page's language, and marked so
(``content_lang``).
"""

from __future__ import annotations

from flask import Flask
from markupsafe import Markup

from core.i18n import N_, current_locale

REMEMBERED_FOR = 365 * 24 * 3600
CONTENT_LANGUAGE = "sv"  # the language tenants write their checklists, areas and functions in

# Machine values the pages show by name (``{{ _(cycle.state) }}``, a role): marked here for the catalogue.
SHOWN_VALUES = (
    N_("collecting"), N_("compiling"), N_("assessed"), N_("published"), N_("closed"),
    N_("admin"), N_("coordinator"), N_("reporter"),
)  # fmt: skip


def language() -> str:
    """The language of this page (core.i18n.current_locale: the switch's cookie, the user's setting, the browser)."""
    return current_locale()


def content_lang() -> Markup:
    """The ``lang`` attribute for a tenant's own content (checklist, areas, functions: written in Swedish) on a
    page in another language, so that screen readers pronounce it as Swedish (WCAG 3.1.2)."""
    # Markup.format escapes what it inserts: the attribute stays safe whatever the constant holds.
    return Markup("") if language() == CONTENT_LANGUAGE else Markup(' lang="{}"').format(CONTENT_LANGUAGE)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(language=language, content_lang=content_lang)
