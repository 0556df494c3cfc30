"""Cells of the spreadsheets est writes (CSV and XLSX): user text never becomes a live formula.

A spreadsheet program evaluates a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and some also after a leading
tab or carriage return), so an item text such as ``=HYPERLINK("http://…","klicka")`` written as is would run in the
reader's spreadsheet (CSV/formula injection). Every CSV or XLSX writer passes user text through :func:`cell`, which
prefixes such text with an apostrophe: shown as text, and the original is still readable. Numbers, dates and
booleans are written as they are: they are values, not formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """``value`` safe to write into a spreadsheet cell: text that a spreadsheet would read as a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[Sequence[Any]], delimiter: str = ",") -> bytes:
    """A CSV file (UTF-8 with BOM, so Excel reads å, ä, ö) of ``rows``, every cell through :func:`cell`. Excel with
    Swedish settings splits columns at ``;`` only: files meant to be opened there pass ``delimiter=";"``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(sheets: dict[str, Iterable[Sequence[Any]]]) -> bytes:
    """An XLSX workbook with one sheet per entry of ``sheets`` (in order), every cell through :func:`cell` (openpyxl
    stores a string starting with ``=`` as a formula; a quoted one is stored as text)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def uncell(text: str) -> str:
    """The user's text of a cell :func:`cell` quoted (a file est wrote, imported again)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text
