"""The language check of every response the suite produces.

Each response is written in one locale (``core.i18n.current_locale()`` of its request: Swedish unless the request
asks for English). Its texts must not hold a message of the other language: a string of a JSON body, or a text of
an HTML page, that is a whole message of the other catalogue (placeholders match anything) is a leak. Only messages
whose two translations differ count, and only sentences (a space or a full stop: single words such as "reporter"
are also the values of fields).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from flask import Response

from core.checklists.service import FROM_VARIANT
from core.i18n import LOCALES, current_locale
from core.i18n.catalogue import read
from core.lagesbild.service import ANALYSIS_TITLES

FIELD = re.compile(r"\{[^{}]*\}")
HTML_TEXT = re.compile(r">([^<>]+)<")
# Texts stored with a tenant's data, in the tenant's language whoever reads them (core.i18n.tenant_text).
STORED = {FROM_VARIANT, *ANALYSIS_TITLES.values()}


def _pattern(text: str) -> str:
    parts = FIELD.split(text.replace("{{", "\x00").replace("}}", "\x01"))
    escaped = [re.escape(p).replace("\x00", r"\{").replace("\x01", r"\}") for p in parts]
    return ".+?".join(escaped)


@cache
def foreign(locale: str) -> re.Pattern[str]:
    """One pattern matching any whole message of the other locale that differs from its translation here."""
    own, other = (read(loc) for loc in (locale, next(loc for loc in LOCALES if loc != locale)))
    texts = set()
    for message in other:
        if not message.id or isinstance(message.id, tuple) or message.id in STORED:
            continue
        theirs, ours = message.string, own.get(message.id).string if own.get(message.id) else None
        if theirs and theirs != ours and (" " in theirs.strip() or theirs.strip().endswith(".")):
            texts.add(theirs.strip())
    return re.compile("|".join(f"(?:{_pattern(t)})" for t in sorted(texts, key=len, reverse=True)))


def _strings(payload: Any) -> Iterator[str]:
    if isinstance(payload, str):
        yield payload
    elif isinstance(payload, dict):
        for key, value in payload.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(payload, list):
        for value in payload:
            yield from _strings(value)


def texts(response: Response) -> Iterator[str]:
    if response.direct_passthrough or response.is_streamed:
        return
    if response.mimetype == "application/json":
        yield from _strings(json.loads(response.get_data(as_text=True) or "null"))
    elif response.mimetype == "text/html":
        yield from (t.strip() for t in HTML_TEXT.findall(response.get_data(as_text=True)) if t.strip())


def leaks(response: Response) -> list[str]:
    """The texts of ``response`` (written for this request's locale) that are messages of the other language."""
    pattern = foreign(current_locale())
    return [text for text in texts(response) if pattern.fullmatch(text.strip())]
