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

What a file may cost is bounded before and while it is read (rows, bytes, cell lengths, XLSX bombs: see
:mod:`core.reports.import_files` and the settings ``import_max_rows``, ``import_max_bytes``). Every row is checked
before anything is written, with the same rules and personal-data guard as the API. If any row fails, nothing is
imported and the job's result lists the failing rows (numbered as in the file, header = row 1), columns and reasons
— the first 1,000, and how many there were. Each imported row carries a key derived from its content, so importing
the same file again — or a file overlapping an earlier one — adds only rows not already there.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import tempfile
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import IO, Any

import marshmallow as ma
from flask import current_app
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from core import spreadsheets
from core.accounts.actor import Actor
from core.accounts.models import Membership, Role, User
from core.db import utcnow
from core.errors import DomainError, flatten_messages
from core.i18n import N_, _
from core.jobs import JobContext
from core.reports import import_files
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
UNKNOWN_ITEM = N_("Unknown item; give the item's key or text as in the template.")
INVALID_ROW = N_("Invalid row.")
UNKNOWN_AREA = N_("Unknown area; give the area's key or name as in the template.")


def _longest(field: ma.fields.Field) -> int | None:
    return next((v.max for v in field.validators if isinstance(v, ma.validate.Length) and v.max), None)


def _cell_max() -> dict[str, int]:
    """The longest cell each column may hold: the API's own maximum for its field (so the import accepts no longer
    text than a report may have), else NAME_MAX for keys, names, times and numbers."""
    schema = ReportInSchema()
    fields = {**schema.fields, **{f"place.{n}": f for n, f in schema.fields["place"].schema.fields.items()}}
    longest = {FIELD_COLUMN[name]: _longest(field) for name, field in fields.items() if name in FIELD_COLUMN}
    return {column: longest.get(column) or NAME_MAX for column in COLUMNS}


NAME_MAX = 200
CELL_MAX = _cell_max()
INSERT_BATCH = 2000
STORED = (
    "checklist_version_id", "item_key", "theme", "positive", "area_id", "place_text", "lat", "lon", "occurred_at",
    "occurred_until", "week", "period", "severity", "comment", "early_action", "organisation_id",
    "reporter_function_id", "late", "after_compilation",
)  # fmt: skip


def format_of(filename: str, mimetype: str | None) -> str:
    name = filename.lower()
    if name.endswith(".xlsx") or mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
        return "xlsx"
    if name.endswith((".csv", ".txt")) or mimetype in ("text/csv", "text/plain"):
        return "csv"
    message = _("The file must be CSV or XLSX.")
    raise DomainError(message, {"file": [message]}, code="import.format_unknown")


# --- reading -----------------------------------------------------------------------------------------------


def rows(data: bytes, kind: str, max_rows: int) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, {column: value}) for every non-empty data row; the header is row 1. The file is refused as a
    whole (``DomainError``) when it is not what its name says, cannot be read, or has more than ``max_rows`` rows."""
    import_files.check_kind(data, kind)
    if kind == "xlsx":
        import_files.inspect_xlsx(data, max_rows)
    source = import_files.xlsx_rows(data) if kind == "xlsx" else import_files.csv_rows(data)
    try:
        header = next(source)
    except StopIteration:
        raise import_files.refuse(_("The file has no header row.")) from None
    names = [str(h or "").strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in names]
    unknown = [n for n in names if n and n not in COLUMNS]
    if missing or unknown:
        errors = [_("Missing columns: {columns}.", columns=", ".join(missing))] if missing else []
        errors += [_("Unknown columns: {columns}.", columns=", ".join(unknown))] if unknown else []
        raise DomainError(_("Wrong columns in the file."), {"file": errors}, code="import.columns_wrong")
    for number, values in enumerate(source, start=2):
        if number > max_rows + 1:
            raise import_files.refuse(
                _("The file has more than {max} rows; split it into several files.", max=import_files.count(max_rows))
            )
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
        self.item_keys = {key: key for key in context.items}
        self.items_by_text = {i.text.casefold(): i.key for i in context.items.values()}
        self.organisation_keys = {key: key for key in context.organisations}
        self.function_keys = {key: key for key in context.functions}
        self.areas = {a.name.casefold(): a.id for a in context.areas.values()}
        self.organisations = {o.name.casefold(): k for k, o in context.organisations.items()}
        self.functions = {f.name.casefold(): k for k, f in context.functions.items()}
        self.areas_by_key = {k: a.id for k, a in context.areas_by_key.items()}
        self.severities = {label.casefold(): n for n, label in enumerate(context.tenant.severity_scale, start=1)}
        self.numbers = {str(n): n for n in range(1, 100)}
        self.schema = FieldLoader(ReportInSchema())

    def _time(self, value: Any, column: str, fail: Callable[[str, str], None]) -> str | None:
        from zoneinfo import ZoneInfo

        if isinstance(value, datetime):
            moment = value
        else:
            text = self._text(value)
            if text is None:
                return None
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                fail(column, _("Unknown moment; write it as 2024-03-12 22:15."))
                return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(self.zone))
        return moment.isoformat()

    @staticmethod
    def _text(value: Any) -> str | None:
        if value is None:
            return None
        text = spreadsheets.uncell(str(value).strip())
        return text or None

    def _number(self, value: Any, column: str, bound: float, fail: Callable[[str, str], None]) -> float | None:
        text = self._text(value)
        if text is None:
            return None
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            fail(column, _("Not a number; write it as 59,2745."))
            return None
        if not -bound <= number <= bound:
            fail(column, _("Given between −{bound} and {bound} (WGS84, decimal degrees).", bound=format(bound, "g")))
        return number

    def _key(
        self,
        value: Any,
        column: str,
        known: Mapping[str, Any],
        by_name: Mapping[str, Any],
        unknown: Callable[[], str],
        fail: Callable[[str, str], None],
    ) -> Any:
        """What a cell names by key (``known``) or by name (``by_name``, case-insensitive); ``None`` when empty.
        ``unknown`` writes the message for a name that is neither (only then: 100,000 rows, five cells each)."""
        text = self._text(value)
        if text is None:
            return None
        found = known[text] if text in known else by_name.get(text.casefold())
        if found is None:
            fail(column, unknown())
        return found

    def input(self, row: dict[str, Any]) -> dict[str, Any]:
        """The row as the API's report input; raises ReportErrors naming each column (in Swedish) whose cell is too
        long, empty but required, or names something the tenant does not have. Lengths are checked first, so no
        longer text than the API accepts reaches the personal-data guard."""
        errors: dict[str, list[str]] = {}

        def fail(column: str, message: str) -> None:
            errors.setdefault(column, []).append(message)

        for column, value in row.items():
            if value is not None and len(text := str(value)) > CELL_MAX[column]:
                fail(
                    column, _("At most {max} characters (the cell has {count}).", max=CELL_MAX[column], count=len(text))
                )
        if errors:
            raise ReportErrors(_(INVALID_ROW), errors, code="import.row_invalid")
        for column in REQUIRED:
            if self._text(row.get(column)) is None:
                fail(column, _("Missing."))
        scale = len(self.context.tenant.severity_scale)
        data = {
            "item": self._key(
                row.get("punkt"), "punkt", self.item_keys, self.items_by_text, lambda: _(UNKNOWN_ITEM), fail
            ),
            "area": self._key(
                row.get("omrade"), "omrade", self.areas_by_key, self.areas, lambda: _(UNKNOWN_AREA), fail
            ),
            "occurred_at": self._time(row.get("tidpunkt"), "tidpunkt", fail),
            "occurred_until": self._time(row.get("till"), "till", fail),
            "severity": self._key(
                row.get("allvarlighetsgrad"), "allvarlighetsgrad", self.numbers, self.severities,
                lambda: _("Unknown severity; give 1–{max} or a label of the scale.", max=scale), fail,
            ),
            "place": {
                "text": self._text(row.get("plats")),
                "lat": self._number(row.get("lat"), "lat", 90, fail),
                "lon": self._number(row.get("lon"), "lon", 180, fail),
            },
            "comment": self._text(row.get("kommentar")) or "",
            "early_action": self._text(row.get("tidiga_atgarder")) or "",
            "organisation": self._key(
                row.get("organisation"), "organisation", self.organisation_keys, self.organisations,
                lambda: _("Unknown organisation; give its key or name."), fail,
            ),
            "reporter_function": self._key(
                row.get("funktion"), "funktion", self.function_keys, self.functions,
                lambda: _("Unknown function; give its key or name."), fail,
            ),
        }  # fmt: skip
        if errors:
            raise ReportErrors(_(INVALID_ROW), errors, code="import.row_invalid")
        return data

    def values(self, row: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The row's import key and the report's column values (or ReportErrors naming the fields)."""
        try:
            data = self.schema.load(self.input(row))
        except ma.ValidationError as error:
            raise ReportErrors(_(INVALID_ROW), flatten_messages(error.messages), code="import.row_invalid") from error
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


MAX_ERRORS = 1000  # a job result keeps the first errors (and counts them all): a broken file stays a small result


def run_import(job: JobContext, import_id: int) -> dict[str, Any]:
    """Check every row, then import all of them (minus rows imported before) or none.

    Nothing is written while rows are checked, so on SQLite the one write transaction (the insert, and clearing the
    upload) starts only when every row has passed and lasts as long as the insert; other writers wait for it on
    the busy timeout."""
    session = current_session()
    upload = session.scalar(select(ReportImport).where(ReportImport.id == import_id))
    tenant = session.get(Tenant, current_tenant_id())
    context = ReportingContext(session, tenant, _actor(session, upload.uploaded_by))
    reader = RowReader(context)
    errors = Errors()
    accepted = Accepted()
    total = upload.data.count(b"\n") if upload.format == "csv" else None
    count = 0
    try:
        for count, (number, row) in enumerate(
            rows(upload.data, upload.format, current_app.config["EST"].import_max_rows), start=1
        ):
            _check_row(reader, number, row, errors, accepted)
            if count % 1000 == 0:
                job.progress(count, total)
    except DomainError as error:  # the file itself: encoding, size, header, columns, bombs
        for message in error.errors.get("file", [error.message]):
            errors.add(None, None, message)
        return _result(count, 0, errors)
    finally:
        # The file is read once: refused or imported, its contents are not kept (they may hold what the guard
        # refused). A failure rolls this back so that a retry can read the file; the runner discards the upload
        # when the job fails for good (see ``discard_upload``).
        upload.data = b""
    job.progress(count, count)
    try:
        imported = 0 if errors.count else _insert(session, accepted, upload.uploaded_by)
    finally:
        accepted.drop()
    return _result(count, imported, errors)


def _result(rows: int, imported: int, errors: Errors) -> dict[str, Any]:
    """What the job shows: rows checked, imported, already there, and the errors (the first MAX_ERRORS, all counted;
    a file-level error has no row or column)."""
    duplicates = 0 if errors.count else rows - imported
    return {
        "rows": rows,
        "imported": imported,
        "duplicates": duplicates,
        "error_count": errors.count,
        "errors": errors.first,
    }


def discard_upload(import_id: int) -> None:
    """Delete an upload's contents (the job that was to read it has failed for good, or died)."""
    session = current_session()
    session.execute(update(ReportImport).where(ReportImport.id == import_id).values(data=b""))
    session.commit()


run_import.discard = discard_upload  # type: ignore[attr-defined]  # called by core.jobs.runner with the job's arguments


class Errors:
    """The rows' errors: the first MAX_ERRORS kept, all counted."""

    def __init__(self) -> None:
        self.first: list[dict[str, Any]] = []
        self.count = 0

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.count += 1
        if len(self.first) < MAX_ERRORS:
            self.first.append({"row": row, "column": column, "message": message})


def _check_row(reader: RowReader, number: int, row: dict, errors: Errors, accepted: Accepted) -> None:
    """Check one row; collect its errors, or (while the file has none) keep its values under its import key."""
    try:
        key, values = reader.values(row)
    except DomainError as error:
        for field, messages in error.errors.items():
            for message in messages:
                errors.add(number, FIELD_COLUMN.get(field, field), message)
        accepted.drop()  # nothing will be imported: do not keep what was
        return
    if not errors.count:
        accepted.add(key, tuple(values[c] for c in STORED))


class Accepted:
    """The rows that passed, by import key (the first of rows with the same key), kept in a temporary file until the
    insert: in memory a row's 18 values cost about 800 bytes, 160 MB for 200,000 rows; here only the keys stay in
    memory (about 150 bytes a row), for duplicates within the file and for rows imported before."""

    BATCH = 5000

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self._batch: list[tuple[str, tuple]] = []
        self._file: IO[bytes] | None = None

    def add(self, key: str, stored: tuple) -> None:
        if key in self.keys:
            return
        self.keys.add(key)
        self._batch.append((key, stored))
        if len(self._batch) == self.BATCH:
            self._spill()

    def _spill(self) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile()
        pickle.dump(self._batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._batch = []

    def __len__(self) -> int:
        return len(self.keys)

    def __iter__(self) -> Iterator[tuple[str, tuple]]:
        """Every row once, in file order (the spilled file is this process's own: safe to unpickle)."""
        if self._file is not None:
            self._file.seek(0)
            while True:
                try:
                    yield from pickle.load(self._file)
                except EOFError:
                    break
        yield from self._batch

    def drop(self) -> None:
        """Forget every row (and the file)."""
        self.keys.clear()
        self._batch = []
        if self._file is not None:
            self._file.close()
            self._file = None


def _known(session: Session, keys: set[str]) -> set[str]:
    """The keys of rows imported before; PostgreSQL skips those in the INSERT itself."""
    ordered, known = list(keys), set()
    for start in range(0, len(ordered), 1000):
        known.update(
            session.scalars(select(Report.import_key).where(Report.import_key.in_(ordered[start : start + 1000])))
        )
    return known


# Every row carries every column (None included), so each batch is one multi-row INSERT rather than one statement
# per distinct set of filled columns.
_INSERT = insert(Report).execution_options(render_nulls=True)
_COPIED = (*STORED, "tenant_id", "import_key", "source", "reported_by", "created_at", "updated_at")


def _insert(session: Session, accepted: Accepted, user_id: int | None) -> int:
    """Insert the accepted rows, stamped with the job's tenant: on PostgreSQL with COPY into a temporary table and
    one INSERT … SELECT (COPY cannot write to a table under row-level security; the INSERT is checked by its WITH
    CHECK), elsewhere as batched ORM inserts (checked by the tenancy listener). Rows imported before are skipped
    (their import key exists); returns how many were inserted."""
    tenant_id, now = current_tenant_id(), utcnow()
    connection = session.connection()
    known = _known(session, accepted.keys) if connection.dialect.name != "postgresql" else set()
    rows = ((*stored, tenant_id, key, "import", user_id, now, now) for key, stored in accepted if key not in known)
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
    return len(accepted) - len(known)


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
