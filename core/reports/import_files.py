"""Reading an uploaded CSV or XLSX file row by row, at a cost bounded before any parsing starts.

A file is refused as a whole — with a Swedish message saying why and what to do — when it is not what its name says,
is in an encoding est cannot read, or is an XLSX whose parts would cost more to parse than any real table of
``max_rows`` rows: parts larger uncompressed than their bound (:data:`MAX_SHEET_BYTES` …) or compressed more than
:data:`MAX_RATIO` times (deflate bombs), a text longer than :data:`MAX_TEXT` characters (the huge shared string), more
shared strings or rows than the table may have, a declared ``<dimension>`` beyond it (millions of empty rows), or
more than :data:`MAX_SHEETS` sheets. That inspection streams the XML through expat (no tree, no text kept), so it
runs in constant memory. Accepted files are then read as streams too: ``csv.reader`` over a text stream of the bytes,
and openpyxl's read-only worksheet with ``values_only``; rows are numbered as in the file (header = row 1), and
reading stops with a file-level error at the first row beyond ``max_rows``.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any
from xml.parsers import expat

from core.errors import DomainError
from core.i18n import _

# Uncompressed sizes. Sheets are streamed, so they may be large (200,000 rows x 12 filled cells are about 100 MB of
# XML); openpyxl holds every shared string in memory and parses the other parts whole, so those are kept small.
MAX_SHEET_BYTES = 400 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
MAX_PART_BYTES = 8 * 1024 * 1024
STRINGS_PER_ROW = 6  # distinct texts a row of the table can bring (comment, place, actions, times as text, ...)
MAX_RATIO = 200  # XML of a real sheet compresses 5-30 times; a deflate bomb thousands of times
MAX_TEXT = 32767  # Excel's own limit for one cell; longer columns are named per row by the importer
MAX_SHEETS = 100
MAX_MEMBERS = 2000
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary Excel format (and Word's .doc)
CHUNK = 1024 * 1024


def refuse(message: str) -> DomainError:
    """A file-level refusal: the job's result shows it as the file's only error. ``message`` is translated."""
    return DomainError(message, {"file": [message]}, code="import.file_refused")


def count(number: int) -> str:
    """A count as Swedish writes it (``200 000``)."""
    return f"{number:,}".replace(",", " ")


def check_kind(data: bytes, kind: str) -> None:
    """Refuse a file whose content is not what its name says, naming what it looks like."""
    if data.startswith(XLS_MAGIC):
        raise refuse(_("The file is in Excel's old format (.xls) or is a Word document. Save it as .xlsx or CSV."))
    if kind == "xlsx" and not data.startswith(XLSX_MAGIC):
        raise refuse(_("The file is named .xlsx but is no Excel workbook (it looks like text/CSV). Rename it to .csv."))
    if kind == "csv" and data.startswith(XLSX_MAGIC):
        raise refuse(_("The file is named .csv but is an Excel workbook (XLSX). Rename it to .xlsx."))


# --- CSV -----------------------------------------------------------------------------------------------------


def csv_encoding(data: bytes) -> str:
    """The encoding to read ``data`` with: a BOM decides (UTF-8, UTF-16); else UTF-8 if all of it is, else Windows-1252
    (Excel's "CSV" on Swedish Windows). Checked in chunks, so no decoded copy of the file is held."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in data[:4096]:
        raise refuse(
            _(
                "The file seems to be UTF-16 without a byte order mark. "
                "Save it in Excel as “CSV UTF-8 (comma delimited)”."
            )
        )
    for encoding in ("utf-8", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), CHUNK):
                decoder.decode(data[start : start + CHUNK])
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise refuse(_("The file's encoding is not recognised. Save it in Excel as “CSV UTF-8 (comma delimited)”."))


def csv_rows(data: bytes) -> Iterator[list[Any]]:
    """The rows of a CSV file, delimited by ``;``, ``,`` or a tab (Excel's "Unicode text"): whichever the header has
    most of."""
    encoding = csv_encoding(data)
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    header = text.readline()
    delimiter = max(",;\t", key=header.count)
    try:
        yield from csv.reader(_chain(header, text), delimiter=delimiter)
    except csv.Error as error:
        raise refuse(_("The file cannot be read as CSV ({error}).", error=error)) from None


def _chain(first: str, rest: io.TextIOWrapper) -> Iterator[str]:
    yield first
    yield from rest


# --- XLSX ----------------------------------------------------------------------------------------------------


def inspect_xlsx(data: bytes, max_rows: int) -> None:
    """Refuse an XLSX file that would cost more to read than a table of ``max_rows`` rows, before openpyxl opens it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise refuse(_("The file is no valid Excel workbook (XLSX). Save it again from Excel.")) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise refuse(_("The workbook holds too many parts to be a table."))
        sheets = [m.filename for m in members if re.fullmatch(r"xl/worksheets/[^/]+\.xml", m.filename)]
        for member in members:
            if member.file_size > MAX_RATIO * max(member.compress_size, 1024):
                raise refuse(
                    _(
                        "The workbook is suspiciously tightly packed ({part}). Save it again from Excel.",
                        part=member.filename,
                    )
                )
            if member.file_size > _bound(member.filename, sheets):
                raise refuse(
                    _("The workbook is too large unpacked ({part}). Split it into several files.", part=member.filename)
                )
        names = {m.filename for m in members}
        if not sheets:
            raise refuse(_("The workbook has no worksheet."))
        if len(sheets) > MAX_SHEETS:
            raise refuse(_("The workbook has {count} sheets; at most {max}.", count=len(sheets), max=MAX_SHEETS))
        if "xl/sharedStrings.xml" in names:
            _scan(archive, "xl/sharedStrings.xml", max_rows)
        for sheet in sheets:
            _scan(archive, sheet, max_rows)


def _bound(name: str, sheets: list[str]) -> int:
    if name in sheets:
        return MAX_SHEET_BYTES
    return MAX_SHARED_STRINGS_BYTES if name == "xl/sharedStrings.xml" else MAX_PART_BYTES


class _Scan:
    """Counts what expat reports of one XML part and stops at the first bound it passes."""

    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self.max_strings = (max_rows + 1) * STRINGS_PER_ROW
        self.text = 0
        self.strings = 0
        self.rows = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.text = 0
        if name == "dimension":
            last = re.search(r"(\d+)$", attributes.get("ref", ""))
            if last and int(last.group(1)) > self.max_rows + 1:
                raise self._too_many_rows(int(last.group(1)) - 1)
        elif name == "row":
            self.rows += 1
            number = int(attributes.get("r", self.rows)) if attributes.get("r", "").isdigit() else self.rows
            if max(number, self.rows) > self.max_rows + 1:
                raise self._too_many_rows(max(number, self.rows) - 1)
        elif name == "si":
            self.strings += 1
            if self.strings > self.max_strings:
                raise refuse(_("The workbook has unreasonably many texts for a table."))

    def characters(self, data: str) -> None:
        self.text += len(data)
        if self.text > MAX_TEXT:
            raise refuse(
                _("The workbook holds a text longer than {max} characters; no cell may be that long.", max=MAX_TEXT)
            )

    def _too_many_rows(self, rows: int) -> DomainError:
        return refuse(
            _(
                "The sheet has {rows} rows; at most {max} per file. Split the file.",
                rows=count(rows),
                max=count(self.max_rows),
            )
        )


def _scan(archive: zipfile.ZipFile, name: str, max_rows: int) -> None:
    scan = _Scan(max_rows)
    parser = expat.ParserCreate()
    parser.StartElementHandler = lambda tag, attributes: scan.start(tag.rpartition(":")[2], attributes)
    parser.CharacterDataHandler = scan.characters
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except (expat.ExpatError, zipfile.BadZipFile, ValueError):
        raise refuse(_("The workbook is damaged ({part}). Save it again from Excel.", part=name)) from None


def xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    """The rows of the first sheet, streamed (call :func:`inspect_xlsx` first)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken workbook; the file is what is wrong
        raise refuse(_("The workbook cannot be opened. Save it again from Excel as .xlsx.")) from None
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()
