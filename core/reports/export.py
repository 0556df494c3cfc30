"""The filtered report list as a spreadsheet, CSV or XLSX: exactly the rows the list shows, every one of them.

Choices, each for the people who open the file:

- **CSV** is UTF-8 with a byte-order mark, semicolon-separated, with a decimal comma for Swedish callers: what
  Excel with Swedish settings opens as columns with å, ä, ö intact (a comma-separated file opens as one column
  there). **XLSX** holds real numbers and local date-times.
- Names, not ids: the area, item text (of the checklist version the report used), organisation and reporting
  function by name; times in the tenant's time zone. Column headers in the caller's language.
- Formula-safe: every cell goes through :func:`core.spreadsheets.cell` (text starting with ``=``, ``+``, ``-``,
  ``@``, tab or CR gets a leading apostrophe) in both formats.
- **Bounded**, not streamed: at most ``export_max_rows`` rows (a setting). One more row is read to tell; a larger
  result is refused with 413 and ``export.too_many_rows``, asking for narrower filters, before a file is built. Rows
  are read as plain tuples (no ORM objects) in one statement, so memory stays proportional to that bound.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select

from core.cycles import periods
from core.domain import THEME_LABELS_SV
from core.errors import DomainError
from core.i18n import N_, _, current_locale
from core.reports.models import Report
from core.reports.service import SOURCES, ReportingContext
from core.spreadsheets import csv_bytes, xlsx_bytes

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# The columns read, in one statement.
READ = (
    Report.id, Report.checklist_version_id, Report.period, Report.week, Report.occurred_at, Report.occurred_until,
    Report.area_id, Report.item_key, Report.theme, Report.positive, Report.severity, Report.place_text, Report.lat,
    Report.lon, Report.organisation_id, Report.reporter_function_id, Report.comment, Report.early_action, Report.late,
    Report.after_compilation, Report.source, Report.created_at,
)  # fmt: skip

HEADERS = (
    N_("Report number"), N_("Period"), N_("Week"), N_("Occurred"), N_("Occurred until"), N_("Area"), N_("Item"),
    N_("Theme"), N_("Positive"), N_("Severity"), N_("Severity label"), N_("Place"), N_("Latitude"), N_("Longitude"),
    N_("Organisation"), N_("Reporting function"), N_("Comment"), N_("Early action"), N_("Late"),
    N_("After compilation"), N_("Source"), N_("Received"),
)  # fmt: skip


class TooManyRows(DomainError):
    """The filters match more rows than one export may hold."""


def export(context: ReportingContext, statement: Select, kind: str, max_rows: int) -> bytes:
    """The rows of ``statement`` (a :func:`core.reports.listing.filtered` select) as a ``kind`` file (``csv`` or
    ``xlsx``); :class:`TooManyRows` (413) when more than ``max_rows`` match."""
    rows = context.session.execute(statement.with_only_columns(*READ).limit(max_rows + 1)).all()
    if len(rows) > max_rows:
        message = _(
            "More than {count} reports match; narrow the filters (for example the periods) and export again.",
            count=max_rows,
        )
        raise TooManyRows(message, status=413, code="export.too_many_rows")
    if kind == "csv":
        return csv_bytes(_table(context, rows, text_times=True), delimiter=";")
    return xlsx_bytes({_("Reports")[:31]: _table(context, rows, text_times=False)})


def filename(slug: str, kind: str) -> str:
    return f"est-rapporter-{slug}.{kind}"


def _table(context: ReportingContext, rows: Sequence[Any], *, text_times: bool) -> Iterator[Sequence[Any]]:
    """The header and one list of cells per row. ``text_times``: times and decimals as text (CSV, where the decimal
    comma follows the caller's language); else as values (XLSX; local date-times without a zone, which Excel
    lacks)."""
    zone = periods.zone(context.tenant.cadence)
    comma = text_times and current_locale() == "sv"
    yes, no = _("Yes"), _("No")
    scale = context.tenant.severity_scale

    def moment(value: datetime | None) -> Any:
        if value is None:
            return None
        local = value.astimezone(zone)
        return local.strftime("%Y-%m-%d %H:%M") if text_times else local.replace(tzinfo=None)

    def number(value: float | None) -> Any:
        return str(value).replace(".", ",") if comma and value is not None else value

    def name(lookup: dict[int, Any], key: int | None) -> str:
        row = lookup.get(key) if key is not None else None
        return row.name if row is not None else ""

    yield [_(header) for header in HEADERS]
    for row in rows:
        item = context.version_of(row)[1].get(row.item_key)
        yield [
            row.id, row.period, row.week, moment(row.occurred_at), moment(row.occurred_until),
            name(context.areas, row.area_id), item.text if item else row.item_key,
            THEME_LABELS_SV.get(row.theme, row.theme) if row.theme else "", yes if row.positive else no,
            row.severity, scale[row.severity - 1] if 0 < row.severity <= len(scale) else "", row.place_text or "",
            number(row.lat), number(row.lon), name(context.organisation_ids, row.organisation_id),
            name(context.function_ids, row.reporter_function_id), row.comment, row.early_action,
            yes if row.late else no, yes if row.after_compilation else no, _(SOURCES.get(row.source, row.source)),
            moment(row.created_at),
        ]  # fmt: skip
