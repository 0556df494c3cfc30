"""Engine, sessions and the declarative base.

One Session per app context (a request, a job, a CLI command), closed when the context ends. The tenancy
listeners in :mod:`core.tenancy` are attached to every Session this module makes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import Flask, current_app, g
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, exc
from sqlalchemy.orm import DeclarativeBase, Session, make_transient_to_detached, sessionmaker
from sqlalchemy.orm.util import identity_key
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes stored as UTC on both SQLite and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: est stores aware datetimes only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


M = TypeVar("M", bound=Base)


def attach(session: Session, model: type[M], values: Mapping[str, Any]) -> M:
    """An instance of ``model`` with ``values`` (all its columns, as read by a plain statement or kept from one), put
    into ``session`` as if a query had loaded it: no SQL, and changing it is an ordinary UPDATE. An instance the
    Session already holds wins."""
    present = session.identity_map.get(identity_key(model, values["id"]))
    if present is not None:
        return present  # type: ignore[return-value]
    instance = filled(model, values)
    make_transient_to_detached(instance)
    session.add(instance)
    return instance


def column_values(instance: Base) -> dict[str, Any]:
    """Every column of a loaded row, by attribute name: what :func:`attach` takes to put it into a Session again."""
    return {column.key: getattr(instance, column.key) for column in instance.__table__.columns}


def filled(model: type[M], values: Mapping[str, Any]) -> M:
    """A transient instance of ``model`` holding ``values``, filled the way the ORM fills a loaded row (straight into
    its ``__dict__``: no attribute events, no constructor defaults)."""
    instance = model.__mapper__.class_manager.new_instance()
    instance.__dict__.update(values)
    return instance


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_engine(url: str) -> Engine:
    """An engine whose errors never carry SQL parameters (they hold e-mails, hashes and free text) into logs."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    else:
        engine = create_engine(url, hide_parameters=True)
        _ping_when_idle(engine)
    # A forked rq work horse must not reuse the parent's connections.
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    return engine


IDLE_PING_SECONDS = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use when it has been idle for a while (a restart or an idle timeout of the
    server drops connections while they wait in the pool); a dead one is replaced before anyone uses it. A busy
    connection is not pinged on every checkout: that would cost a round trip per request."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record) -> None:
        record.info["est_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy) -> None:
        since = record.info.get("est_idle_since")
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError("idle connection is gone") from error


def refuse_privileged_role(engine: Engine) -> None:
    """Row-level security does not bind superusers or BYPASSRLS roles, and the policies admit the owner of the
    tables (and so every member of its role) to every row: on PostgreSQL, refuse to run as any of them."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as connection:
        privileged, owner = connection.exec_driver_sql(
            "select rolsuper or rolbypassrls, exists (select from pg_tables where schemaname = 'public' "
            "and pg_has_role(current_user, tableowner, 'MEMBER')) from pg_roles where rolname = current_user"
        ).one()
    if privileged:
        raise RuntimeError(
            "EST_DATABASE_URL connects as a superuser or BYPASSRLS role, which row-level security does not bind. "
            "Connect as an application role that owns nothing (see .ci/postgres-setup)."
        )
    if owner:
        raise RuntimeError(
            "EST_DATABASE_URL connects as the owner of est's tables (or a member of its role), whom the row-level "
            "security policies admit to every row. Connect as an application role that owns nothing."
        )


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["EST"].database_url)
    refuse_privileged_role(engine)
    app.extensions["est.engine"] = engine
    app.extensions["est.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("est_session", None)
        if session is not None:
            session.close()


def new_session() -> Session:
    """A fresh Session, for work that spans tenants: one Session per tenant (see core.tenancy)."""
    return current_app.extensions["est.sessionmaker"]()


def app_session() -> Session:
    """The Session of the current app context, created on first use."""
    if "est_session" not in g:
        g.est_session = current_app.extensions["est.sessionmaker"]()
    return g.est_session
