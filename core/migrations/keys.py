"""Primary keys that include ``tenant_id``, on PostgreSQL: what Citus needs to distribute a table by tenant.

Citus enforces a primary key, a unique constraint or a foreign key between distributed tables only when it includes
the distribution column (each shard checks its own rows). Tenant tables are made as autogenerate writes them from
the models (``core.tenancy_keys``): ``id`` as primary key, a unique ``(tenant_id, id)``, and composite foreign keys
``(tenant_id, x_id)`` pointing at that unique constraint. :func:`key_by_tenant` makes ``(tenant_id, id)`` the
primary key itself and drops the unique constraint it makes redundant (one index fewer to write), re-pointing the
foreign keys that used it; :func:`key_by_id` undoes that. The foreign keys are re-created exactly as they were
(``pg_get_constraintdef``), from whichever table they come, so a table a later migration adds may be keyed too:
call ``key_by_tenant(("that_table",))`` after creating it.

Row-level security policies, grants, triggers and the ``id`` sequence are untouched. SQLite keeps its integer rowid
as the key (it autoincrements only a single-column integer primary key): both functions do nothing there, and the
ORM maps ``id`` as the identity on both (every query of a tenant table also names its ``tenant_id``, see
``core.tenancy``, so lookups by id use the composite key's index).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from alembic import op
from sqlalchemy import Connection, text

# The foreign keys pointing at (tenant_id, id) of one of the tables: (table, name, definition).
_REFERENCES = text(
    "select c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) from pg_constraint c "
    "where c.contype = 'f' and c.confrelid = any(cast(:tables as regclass[])) "
    "and (select array_agg(a.attname::text order by a.attname) from pg_attribute a "
    "     where a.attrelid = c.confrelid and a.attnum = any(c.confkey)) = array['id', 'tenant_id'] "
    "order by 1, 2"
)
# A table's primary key and its unique constraint on exactly (tenant_id, id), by name.
_KEYS = text(
    "select max(c.conname) filter (where c.contype = 'p'), max(c.conname) filter (where c.contype = 'u' "
    "and (select array_agg(a.attname::text order by a.attname) from pg_attribute a "
    "     where a.attrelid = c.conrelid and a.attnum = any(c.conkey)) = array['id', 'tenant_id']) "
    "from pg_constraint c where c.conrelid = cast(:table as regclass)"
)


def key_by_tenant(tables: Iterable[str]) -> None:
    """Make ``(tenant_id, id)`` the primary key of each of ``tables`` (which must have a NOT NULL ``tenant_id``
    and a unique ``(tenant_id, id)``), in place of ``id`` alone and of that unique constraint."""
    _rekey(tuple(tables), _tenant_key)


def key_by_id(tables: Iterable[str]) -> None:
    """The reverse of :func:`key_by_tenant`: ``id`` as primary key, and a unique ``(tenant_id, id)`` again."""
    _rekey(tuple(tables), _id_key)


def _rekey(tables: tuple[str, ...], rekey: Callable[[Connection, str], str]) -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql" or not tables:
        return
    references = connection.execute(_REFERENCES, {"tables": list(tables)}).all()
    for table, name, _definition in references:
        op.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for table in tables:
        op.execute(f"ALTER TABLE {table} {rekey(connection, table)}")
    for table, name, definition in references:
        op.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _tenant_key(connection: Connection, table: str) -> str:
    primary, unique = connection.execute(_KEYS, {"table": table}).one()
    if unique is None:
        raise RuntimeError(f"{table} has no unique (tenant_id, id) to become its primary key")
    return (
        f'DROP CONSTRAINT "{unique}", DROP CONSTRAINT "{primary}", '
        f'ADD CONSTRAINT "{primary}" PRIMARY KEY (tenant_id, id)'
    )


def _id_key(connection: Connection, table: str) -> str:
    primary, _unique = connection.execute(_KEYS, {"table": table}).one()
    return (
        f'DROP CONSTRAINT "{primary}", ADD CONSTRAINT "{primary}" PRIMARY KEY (id), '
        f'ADD CONSTRAINT "uq_{table}_tenant_id_id" UNIQUE (tenant_id, id)'
    )
