"""Importing the pilots' old Word/Excel tables: CSV or XLSX, all rows or none.

Columns (Swedish, as in the template; order free, case-insensitive):

=================== ======== =======================================================================
column              required meaning
=================== ======== =======================================================================
punkt               yes      the checklist item: its key (``skadegorelse``) or its current text
omrade              yes      the area: its key or its name
tidpunkt            yes      when: ``2024-03-12 22:15`` (the tenant's local time) or ISO 8601 with offset
till                         end of a time window, same forms
allvarlighetsgrad   yes      1 … n, or the label on the tenant's scale (``Hög``)
plats               (yes)    street or landmark — ``plats`` or ``lat``/``lon`` (or both) is required
lat, lon            (yes)    WGS84 decimal degrees
kommentar                    free text (checked for personal data like everywhere)
tidiga_atgarder              early actions already taken (free text)
organisation                 key or name of the reporting organisation
funktion                     key or name of the reporting function
=================== ======== =======================================================================

Every row is checked before anything is written, with the same rules and personal-data guard as the API. If any
row fails, nothing is imported and the job's result lists every failing row (numbered as in the file, header =
row 1), column and reason. Each imported row carries a key derived from its content, so importing the same file
again — or a file overlapping an earlier one — adds only rows not already there.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import marshmallow as ma
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core import spreadsheets
from core.accounts.actor import Actor
from core.accounts.models import Membership, Role, User
from core.db import utcnow
from core.errors import DomainError, flatten_messages
from core.jobs import JobContext
from core.reports.models import Report, ReportImport
from core.reports.schemas import ReportInSchema
from core.reports.service import ReportErrors, ReportingContext
from core.tenancy import current_session, current_tenant_id
from core.tenants.models import Tenant

COLUMNS = (
    "punkt",
    "omrade",
    "tidpunkt",
    "till",
    "allvarlighetsgrad",
    "plats",
    "lat",
    "lon",
    "kommentar",
    "tidiga_atgarder",
    "organisation",
    "funktion",
)
REQUIRED = ("punkt", "omrade", "tidpunkt", "allvarlighetsgrad")
# Where a field of ReportInSchema (or of ReportingContext.values) comes from in the file.
FIELD_COLUMN = {
    "item": "punkt",
    "area": "omrade",
    "occurred_at": "tidpunkt",
    "occurred_until": "till",
    "severity": "allvarlighetsgrad",
    "place": "plats",
    "place.text": "plats",
    "place.lat": "lat",
    "place.lon": "lon",
    "comment": "kommentar",
    "early_action": "tidiga_atgarder",
    "organisation": "organisation",
    "reporter_function": "funktion",
}
INSERT_BATCH = 2000
STORED = (
    "checklist_version_id", "item_key", "theme", "positive", "area_id", "place_text", "lat", "lon", "occurred_at",
    "occurred_until", "week", "period", "severity", "comment", "early_action", "organisation_id",
    "reporter_function_id", "late",
)  # fmt: skip


def format_of(filename: str, mimetype: str | None) -> str:
    name = filename.lower()
    if name.endswith(".xlsx") or mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
        return "xlsx"
    if name.endswith((".csv", ".txt")) or mimetype in ("text/csv", "text/plain"):
        return "csv"
    raise DomainError("Filen måste vara CSV eller XLSX.", {"file": ["Filen måste vara CSV eller XLSX."]})


# --- reading -----------------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")  # Excel's "CSV" on Swedish Windows


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their endings, as slices (io.StringIO would hold a 4-bytes-a-character copy)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    yield from csv.reader(_lines(text), delimiter=delimiter)


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def rows(data: bytes, kind: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, {column: value}) for every non-empty data row; the header is row 1."""
    source = _xlsx_rows(data) if kind == "xlsx" else _csv_rows(data)
    try:
        header = next(source)
    except StopIteration:
        raise DomainError("Filen saknar rubrikrad.", {"file": ["Filen saknar rubrikrad."]}) from None
    names = [str(h or "").strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in names]
    unknown = [n for n in names if n and n not in COLUMNS]
    if missing or unknown:
        errors = [f"Saknade kolumner: {', '.join(missing)}."] if missing else []
        errors += [f"Okända kolumner: {', '.join(unknown)}."] if unknown else []
        raise DomainError("Fel kolumner i filen.", {"file": errors})
    for number, values in enumerate(source, start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        yield number, {name: value for name, value in zip(names, values, strict=False) if name}


# --- one row -----------------------------------------------------------------------------------------------


class FieldLoader:
    """Loads with a schema's own fields (types, validators, the personal-data guard, schema validators of nested
    schemas) without the per-call machinery of ``Schema.load`` — the same rules at about half the cost, for
    imports of 100,000 rows. Raises ``ValidationError`` with the same nested messages."""

    def __init__(self, schema: ma.Schema) -> None:
        self.fields = list(schema.fields.items())
        self.nested = {
            name: FieldLoader(field.schema) for name, field in self.fields if isinstance(field, ma.fields.Nested)
        }
        # marshmallow keeps @validates_schema methods in Schema._hooks (pinned version; see constraints.txt).
        self.validators = [getattr(schema, name) for name, _many, _options in schema._hooks["validates_schema"]]

    def load(self, data: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        for name, field in self.fields:
            raw = data.get(name, ma.missing)
            try:
                if name in self.nested and isinstance(raw, dict):
                    result[name] = self.nested[name].load(raw)
                else:
                    value = field.deserialize(raw, name, data)
                    if value is not ma.missing:
                        result[name] = value
            except ma.ValidationError as error:
                errors[name] = error.messages
        if not errors:
            for validator in self.validators:
                try:
                    validator(result)
                except ma.ValidationError as error:
                    errors.update(error.normalized_messages())
        if errors:
            raise ma.ValidationError(errors)
        return result


class RowReader:
    """Turns a file row into the API's report input (keys and names resolved, local times made aware)."""

    def __init__(self, context: ReportingContext) -> None:
        self.context = context
        self.zone = context.tenant.cadence.get("timezone", "Europe/Stockholm")
        self.items_by_text = {i.text.casefold(): i.key for i in context.items.values()}
        self.areas = {
            **{a.name.casefold(): a.id for a in context.areas.values()},
            **{k: a.id for k, a in context.areas_by_key.items()},
        }
        self.organisations = {o.name.casefold(): k for k, o in context.organisations.items()}
        self.functions = {f.name.casefold(): k for k, f in context.functions.items()}
        self.severities = {label.casefold(): n for n, label in enumerate(context.tenant.severity_scale, start=1)}
        self.schema = FieldLoader(ReportInSchema())

    def _time(self, value: Any) -> Any:
        from zoneinfo import ZoneInfo

        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            moment = value
        else:
            text = str(value).strip()
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                return text  # the schema names it
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(self.zone))
        return moment.isoformat()

    @staticmethod
    def _text(value: Any) -> str | None:
        if value is None:
            return None
        text = str(value).strip()
        return text or None

    def _number(self, value: Any) -> Any:
        text = self._text(value)
        return None if text is None else text.replace(",", ".")

    def input(self, row: dict[str, Any]) -> dict[str, Any]:
        item = self._text(row.get("punkt")) or ""
        area = self._text(row.get("omrade")) or ""
        severity = self._text(row.get("allvarlighetsgrad")) or ""
        organisation = self._text(row.get("organisation"))
        function = self._text(row.get("funktion"))
        return {
            "item": item if item in self.context.items else self.items_by_text.get(item.casefold(), item),
            "area": self.areas.get(area.casefold(), self.areas.get(area, area)),
            "occurred_at": self._time(row.get("tidpunkt")),
            "occurred_until": self._time(row.get("till")),
            "severity": self.severities.get(severity.casefold(), severity),
            "place": {
                "text": self._text(row.get("plats")),
                "lat": self._number(row.get("lat")),
                "lon": self._number(row.get("lon")),
            },
            "comment": self._text(row.get("kommentar")) or "",
            "early_action": self._text(row.get("tidiga_atgarder")) or "",
            "organisation": self.organisations.get(organisation.casefold(), organisation) if organisation else None,
            "reporter_function": self.functions.get(function.casefold(), function) if function else None,
        }

    def values(self, row: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The row's import key and the report's column values (or ReportErrors naming the fields)."""
        try:
            data = self.schema.load(self.input(row))
        except ma.ValidationError as error:
            raise ReportErrors("Ogiltig rad.", flatten_messages(error.messages)) from error
        return import_key(data), self.context.values(data)


def import_key(data: dict[str, Any]) -> str:
    """What makes two rows the same report: what the file says (resolved to keys and ids), never what est derives
    from it (themes of the current checklist, the uploader's organisation), so the same rows stay the same."""
    place = data["place"]
    content = [
        data["item"], data["area"], data["occurred_at"].isoformat(),
        data["occurred_until"].isoformat() if data["occurred_until"] else None, data["severity"], place.get("text"),
        place.get("lat"), place.get("lon"), data["comment"], data["early_action"], data["organisation"],
        data["reporter_function"],
    ]  # fmt: skip
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


# --- the job -------------------------------------------------------------------------------------------------


def _actor(session: Session, user_id: int | None) -> Actor:
    """The uploader, as they are now (a coordinator or admin; a platform admin acts as admin)."""
    user = session.get(User, user_id) if user_id else None
    if user is None:
        return Actor(user_id=None, role=Role.ADMIN)
    membership = session.scalar(select(Membership).where(Membership.user_id == user.id))
    return Actor.of(user, membership)


def count_rows(data: bytes, kind: str) -> int:
    """About how many data rows there are (for progress): lines, or the sheet's dimension."""
    if kind == "csv":
        return max(data.count(b"\n") - (0 if data.endswith(b"\n") else -1) - 1, 0)
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return max((workbook.worksheets[0].max_row or 1) - 1, 0)
    finally:
        workbook.close()


def run_import(job: JobContext, import_id: int) -> dict[str, Any]:
    """Check every row, then import all of them (minus rows imported before) or none."""
    session = current_session()
    upload = session.scalar(select(ReportImport).where(ReportImport.id == import_id))
    tenant = session.get(Tenant, current_tenant_id())
    context = ReportingContext(session, tenant, _actor(session, upload.uploaded_by))
    reader = RowReader(context)
    errors: list[dict[str, Any]] = []
    accepted: dict[str, tuple] = {}
    total = count_rows(upload.data, upload.format)
    count = 0
    try:
        for count, (number, row) in enumerate(rows(upload.data, upload.format), start=1):
            _check_row(reader, number, row, errors, accepted)
            if count % 1000 == 0:
                job.progress(count, total)
    except DomainError as error:  # the file itself: header, columns
        messages = error.errors.get("file", [error.message])
        return {
            "rows": 0,
            "imported": 0,
            "duplicates": 0,
            "errors": [{"row": 1, "column": "", "message": m} for m in messages],
        }
    finally:
        # The file is read once: refused or imported, its contents are not kept (they may hold what the guard
        # refused). Only a crash rolls this back, so that a retried job can read the file again.
        upload.data = b""
    total = count
    if errors:
        job.progress(total, total)
        return {"rows": total, "imported": 0, "duplicates": 0, "errors": errors}
    imported = _insert(session, accepted, upload.uploaded_by)
    job.progress(total, total)
    return {"rows": total, "imported": imported, "duplicates": total - imported, "errors": []}


def _check_row(reader: RowReader, number: int, row: dict, errors: list, accepted: dict[str, tuple]) -> None:
    """Check one row; collect its errors, or (while the file has none) keep its values under its import key."""
    try:
        key, values = reader.values(row)
    except DomainError as error:
        errors.extend(
            {"row": number, "column": FIELD_COLUMN.get(field, field), "message": message}
            for field, messages in error.errors.items()
            for message in messages
        )
        return
    if not errors:
        accepted.setdefault(key, tuple(values[c] for c in STORED))


def _drop_known(session: Session, accepted: dict[str, tuple]) -> None:
    """Forget rows imported before (same import key); PostgreSQL does this in the INSERT itself."""
    keys = list(accepted)
    for start in range(0, len(keys), 1000):
        for known in session.scalars(
            select(Report.import_key).where(Report.import_key.in_(keys[start : start + 1000]))
        ):
            accepted.pop(known, None)


# Every row carries every column (None included), so each batch is one multi-row INSERT rather than one statement
# per distinct set of filled columns.
_INSERT = insert(Report).execution_options(render_nulls=True)
_COPIED = (*STORED, "tenant_id", "import_key", "source", "reported_by", "created_at", "updated_at")


def _insert(session: Session, accepted: dict[str, tuple], user_id: int | None) -> int:
    """Insert the accepted rows, stamped with the job's tenant: on PostgreSQL with COPY into a temporary table and
    one INSERT … SELECT (COPY cannot write to a table under row-level security; the INSERT is checked by its WITH
    CHECK), elsewhere as batched ORM inserts (checked by the tenancy listener). Rows imported before are skipped
    (their import key exists); returns how many were inserted."""
    tenant_id, now = current_tenant_id(), utcnow()
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        _drop_known(session, accepted)
    rows = ((*stored, tenant_id, key, "import", user_id, now, now) for key, stored in accepted.items())
    if connection.dialect.name == "postgresql":
        columns = ", ".join(_COPIED)
        with connection.connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE est_import_rows ON COMMIT DROP AS SELECT {columns} FROM reports WITH NO DATA"
            )
            with cursor.copy(f"COPY est_import_rows ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO reports ({columns}) SELECT {columns} FROM est_import_rows "
                "ON CONFLICT (tenant_id, import_key) DO NOTHING"
            )
            return cursor.rowcount
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(dict(zip(_COPIED, row, strict=True)))
        if len(batch) == INSERT_BATCH:
            session.execute(_INSERT, batch)
            batch.clear()
    if batch:
        session.execute(_INSERT, batch)
    return len(accepted)


# --- the template --------------------------------------------------------------------------------------------


def template(session: Session, tenant: Tenant, kind: str) -> tuple[bytes, str]:
    context = ReportingContext(session, tenant, Actor(user_id=None, role=Role.ADMIN))
    item = next((i for i in context.items.values() if not i.retired and i.answered_by is None), None) or next(
        iter(context.items.values())
    )
    area = next(iter(context.areas_by_key.values()))
    example = [
        item.key,
        area.key,
        "2024-03-12 22:15",
        "",
        "2",
        "Storgatan 1",
        "",
        "",
        "Krossad ruta i entrén",
        "",
        "",
        "",
    ]
    if kind == "csv":
        return spreadsheets.csv_bytes([COLUMNS, example]), "text/csv; charset=utf-8"
    items = [
        [i.key, i.text, i.theme or "", "ja" if i.positive else "", i.answered_by or "alla"]
        for i in context.items.values()
        if not i.retired
    ]
    areas = [[key, a.name] for key, a in context.areas_by_key.items() if a.active]
    content = spreadsheets.xlsx_bytes(
        {
            "Rapporter": [COLUMNS, example],
            "Punkter": [["punkt", "text", "tema", "positiv", "besvaras av"], *items],
            "Områden": [["omrade", "namn"], *areas],
            "Allvarlighetsgrad": [
                ["allvarlighetsgrad", "betydelse"],
                *([n, label] for n, label in enumerate(tenant.severity_scale, start=1)),
            ],
        }
    )
    return content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
