"""The tenancy wall.

Every tenant-owned table mixes in :class:`TenantScoped`. With that, for every Session:

* every ORM SELECT, UPDATE and DELETE is scoped to the current tenant (``do_orm_execute`` +
  ``with_loader_criteria``), and touching a tenant-owned table with no tenant set raises — fail closed;
* every INSERT is stamped with the current tenant, and writing a row of another tenant raises
  (``before_flush``);
* a Session serves one tenant only, so its identity map can never hand one tenant's object to another;
* on PostgreSQL every transaction carries ``est.tenant_id``, which the row-level security policies created by
  the migrations check — the second wall, which also covers raw SQL and which nothing the application role can
  send opens further.

Plain (Core) statements are not seen by these listeners. The hot paths that use them touch platform tables
(tenants, users, tokens), or name the tenant themselves (:func:`insert_row` stamps it like the ORM does), and
row-level security holds them on PostgreSQL.

The current tenant lives in a context variable, set from the URL, the job payload or the CLI with
:func:`tenant_context`. Platform-level code that must see across tenants uses the one named bypass,
:func:`platform_scope` — grep for it to review every use. It lifts the first wall only: on PostgreSQL such code
reads through the SECURITY DEFINER functions of migration 0006, each bound to a secret of the caller.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Connection,
    ForeignKey,
    Insert,
    Row,
    Select,
    String,
    Table,
    bindparam,
    cast,
    event,
    false,
    func,
    select,
    text,
)
from sqlalchemy.orm import (
    LoaderCriteriaOption,
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)

from core.db import app_session
from core.tenants.models import Tenant

_tenant: ContextVar[int | None] = ContextVar("est_tenant", default=None)
_bypass: ContextVar[str | None] = ContextVar("est_platform_bypass", default=None)


class TenancyError(RuntimeError):
    """A programming error: tenant-owned rows were touched without, or across, the tenant context."""


class TenantScoped:
    """Mixin for every tenant-owned table: adds ``tenant_id``, part of the row's identity."""

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:  # noqa: N805 (a declared_attr is a class method)
        return mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False, index=True)


def current_tenant_id() -> int:
    tenant_id = _tenant.get()
    if tenant_id is None:
        raise TenancyError("no tenant is set for this request, job or command")
    return tenant_id


def current_session() -> Session:
    """The Session of the current request, job or command, scoped to the current tenant."""
    return app_session()


@contextmanager
def tenant_context(tenant_id: int | None, session: Session | None = None) -> Iterator[None]:
    """Run the block as ``tenant_id`` (``None``: as no tenant, e.g. for platform jobs). Pass the Session if a
    transaction may already be open on it."""
    token = _tenant.set(tenant_id)
    try:
        if session is not None:
            _sync_database_setting(session)
        yield
    finally:
        _tenant.reset(token)
        if session is not None:
            _sync_database_setting(session)


@contextmanager
def platform_scope(reason: str) -> Iterator[None]:
    """THE bypass: platform-level code that must read or write across tenants. State why. It lifts the Session's
    scoping only: on PostgreSQL the transaction sees no tenant's rows unless a tenant is set, so the code inside
    reads across tenants through a SECURITY DEFINER function (with a plain query on SQLite)."""
    token = _bypass.set(reason)
    try:
        yield
    finally:
        _bypass.reset(token)


_SETS_ITSELF = "est_first_statement_sets_tenant"


def tenant_stamp(setting_it: bool) -> Select:
    """One row for the tenant of ``:slug``: its stamp (id, creation time, revision), and with ``setting_it``
    (PostgreSQL, as the transaction's first statement: see :func:`sets_tenant_itself`) ``est.tenant_id`` set for
    the transaction by the same statement. Extend it with more platform-level columns;
    enter the tenant with :func:`enter_request_tenant`."""
    statement = select(Tenant.id, Tenant.created_at, Tenant.revision).where(Tenant.slug == bindparam("slug"))
    if setting_it:
        statement = statement.add_columns(func.set_config("est.tenant_id", cast(Tenant.id, String), True))
    return statement


def sets_tenant_itself(session: Session) -> bool:
    """Whether the next statement, a :func:`tenant_stamp` with ``setting_it``, will begin the transaction and set
    the tenant itself (PostgreSQL, no transaction yet): then the transaction's usual ``set_config`` is skipped."""
    setting_it = session.get_bind().dialect.name == "postgresql" and not session.in_transaction()
    if setting_it:
        session.info[_SETS_ITSELF] = True
    return setting_it


def enter_request_tenant(
    session: Session, stamp: Row | None, set_by_statement: bool
) -> tuple[Tenant | None, object | None]:
    """Bind the tenant of a :func:`tenant_stamp` row for the rest of the request: returns it (its row comes from
    ``core.tenants.cache``; ``None`` when there is no such tenant) and the token to reset at teardown."""
    from core.tenants.cache import tenant_at

    if stamp is None:
        return None, None
    token = _tenant.set(stamp.id)
    if not set_by_statement:
        _sync_database_setting(session)
    return tenant_at(session, stamp.id, stamp.created_at, stamp.revision), token


def reset_request_tenant(token: object) -> None:
    _tenant.reset(token)  # type: ignore[arg-type]


_WROTE = "est_wrote"


def has_written(session: Session) -> bool:
    """Whether this Session has written through the ORM or :func:`insert_row` (its objects, e.g. its Tenant, may
    then be older than the database: per-tenant caches are neither read nor filled for it)."""
    return session.info.get(_WROTE, False)


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _flush_context) -> None:
    session.info[_WROTE] = True


def assert_scope(tenant_id: int) -> None:
    """Refuse to go on unless this runs as ``tenant_id`` and outside the bypass (e.g. before filling a per-tenant
    cache from tenant-owned rows)."""
    if _bypass.get() or _tenant.get() != tenant_id:
        raise TenancyError(f"expected to run as tenant {tenant_id}, outside the platform bypass")


def insert_row(session: Session, table: Table, values: dict[str, Any]) -> int:
    """INSERT one row of a tenant-owned table as one plain statement (no unit of work: for hot paths), stamped
    with the current tenant exactly as every ORM insert is; a row for another tenant is refused. Returns its id."""
    tenant_id = current_tenant_id()
    _stamp(values, tenant_id, f"insert into {table.name}")
    _bind_session(session, tenant_id)
    session.info[_WROTE] = True
    return session.connection().execute(_insert_returning_id(table), values).scalar_one()


@lru_cache(maxsize=64)
def _insert_returning_id(table: Table) -> Insert:
    return table.insert().returning(table.c.id)


def _bind_session(session: Session, tenant_id: int) -> None:
    bound = session.info.setdefault("est_tenant_id", tenant_id)
    if bound != tenant_id:
        raise TenancyError(f"this Session serves tenant {bound}; open a new Session for tenant {tenant_id}")


_SET_TENANT = text("select set_config('est.tenant_id', :tenant, true)")


def set_connection_tenant(connection: Connection) -> None:
    """Give a transaction on a plain connection (outside any Session) the current tenant, on PostgreSQL."""
    if connection.dialect.name == "postgresql":
        tenant_id = _tenant.get()
        connection.execute(_SET_TENANT, {"tenant": "" if tenant_id is None else str(tenant_id)})


def _sync_database_setting(session: Session) -> None:
    if session.in_transaction():
        set_connection_tenant(session.connection())


@event.listens_for(Session, "after_begin")
def _set_transaction_tenant(session: Session, _transaction, connection) -> None:
    # Every transaction (overriding anything set for the role or the database) — unless the first statement sets
    # it itself (see ``tenant_stamp``).
    if not session.info.pop(_SETS_ITSELF, False):
        set_connection_tenant(connection)


def _touches_tenant_rows(state: ORMExecuteState) -> bool:
    return any(issubclass(m.class_, TenantScoped) for m in state.all_mappers)


def _tenant_ids_in_values(statement: object) -> list[object]:
    """The tenant_id values written by an INSERT/UPDATE's ``.values(...)`` (not its execute parameters)."""
    found = []
    rows = [getattr(statement, "_values", None) or {}, *(getattr(statement, "_multi_values", None) or ())]
    for row in rows:
        for entries in row if isinstance(row, list | tuple) else [row]:
            for column, value in (entries or {}).items():
                if getattr(column, "key", column) == "tenant_id":
                    found.append(getattr(value, "value", value))
    return found


def _guard_bulk_insert(state: ORMExecuteState) -> None:
    """ORM bulk INSERTs skip ``before_flush``: stamp and check their parameter sets and values here."""
    tenant_id = _tenant.get()
    if tenant_id is None:
        raise TenancyError("bulk insert of tenant-owned rows with no tenant set")
    _bind_session(state.session, tenant_id)
    if any(value != tenant_id for value in _tenant_ids_in_values(state.statement)):
        raise TenancyError("insert for another tenant refused")
    parameter_sets = state.parameters if isinstance(state.parameters, list) else [state.parameters or {}]
    for parameters in parameter_sets:
        _stamp(parameters, tenant_id, "bulk insert")


def _stamp(values: dict[str, Any], tenant_id: int, what: str) -> None:
    """Give an inserted row the current tenant; a row that names another is refused."""
    if values.setdefault("tenant_id", tenant_id) != tenant_id:
        raise TenancyError(f"{what} for another tenant refused")


@event.listens_for(Session, "do_orm_execute")
def _scope_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True
    if _bypass.get():
        return
    if state.is_insert:
        if _touches_tenant_rows(state):
            _guard_bulk_insert(state)
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_update and _touches_tenant_rows(state) and _tenant_ids_in_values(state.statement):
        raise TenancyError("a row's tenant never changes")
    tenant_id = _tenant.get()
    if tenant_id is None:
        if _touches_tenant_rows(state):
            raise TenancyError("tenant-owned rows queried with no tenant set")
        state.statement = state.statement.options(_NO_TENANT_ROWS)
        return
    _bind_session(state.session, tenant_id)
    if state.is_select:
        state.statement = state.statement.options(_THE_TENANTS_ROWS)
        state.parameters = _with_tenant_parameter(state.parameters, tenant_id)
        return
    if isinstance(state.parameters, list) and _touches_tenant_rows(state):
        # An UPDATE/DELETE with a list of rows by primary key ignores loader criteria.
        raise TenancyError("bulk update or delete by primary key of tenant-owned rows refused: use a WHERE")
    # UPDATE/DELETE: the value inside the criteria, so that the Session can tell which of its objects are hit.
    state.statement = state.statement.options(_writes_criteria(tenant_id))


# SELECT: the tenant's rows only, ``tenant_id = :est_tenant_id`` on every tenant-owned entity anywhere in the
# statement, with the value passed with each execution. One option for every tenant, so SQLAlchemy analyses it
# once and statements keep their cache keys; without the parameter a statement cannot run at all (fail closed).
TENANT_PARAMETER = "est_tenant_id"
_THE_TENANTS_ROWS = with_loader_criteria(
    TenantScoped,
    lambda cls: cls.tenant_id == bindparam("est_tenant_id"),  # = TENANT_PARAMETER; a lambda must not read globals
    include_aliases=True,
    track_closure_variables=False,
)
_NO_TENANT_ROWS = with_loader_criteria(TenantScoped, lambda cls: false(), include_aliases=True)


@lru_cache(maxsize=4096)
def _writes_criteria(tenant_id: int) -> LoaderCriteriaOption:
    """For UPDATE/DELETE, the tenant id as a value SQLAlchemy can evaluate against loaded objects (one option per
    tenant, made once)."""
    return with_loader_criteria(TenantScoped, lambda cls: cls.tenant_id == tenant_id, include_aliases=True)


def _with_tenant_parameter(parameters: dict[str, Any] | None, tenant_id: int) -> dict[str, Any]:
    return {**(parameters or {}), TENANT_PARAMETER: tenant_id}


@event.listens_for(Session, "before_flush")
def _stamp_and_guard(session: Session, _flush_context, _instances) -> None:
    if _bypass.get():
        return
    tenant_id = _tenant.get()
    for obj in session.new:
        if isinstance(obj, TenantScoped):
            if tenant_id is None:
                raise TenancyError(f"insert of {type(obj).__name__} with no tenant set")
            if obj.tenant_id is None:
                obj.tenant_id = tenant_id
            elif obj.tenant_id != tenant_id:
                raise TenancyError(f"insert of {type(obj).__name__} for another tenant refused")
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, TenantScoped) and obj.tenant_id != tenant_id:
            raise TenancyError(f"change to {type(obj).__name__} of another tenant refused")
    if tenant_id is not None and any(isinstance(o, TenantScoped) for o in session.new):
        _bind_session(session, tenant_id)
