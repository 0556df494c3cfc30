"""Keys for tenant-owned tables.

Every tenant-owned table is mapped with ``id`` as its primary key (SQLite can autoincrement only a single-column
integer key) and has a unique ``(tenant_id, id)``; every reference between tenant-owned tables is a composite
foreign key on ``(tenant_id, <x>_id)``, so the database itself refuses a row that points into another tenant. On
PostgreSQL, ``(tenant_id, id)`` is the primary key itself (migration 0012, ``core.migrations.keys``): every key
then includes ``tenant_id``, and the tables can be distributed by it (README: Growing past one machine).
"""

from __future__ import annotations

from sqlalchemy import ForeignKeyConstraint, UniqueConstraint


def tenant_unique_id() -> UniqueConstraint:
    return UniqueConstraint("tenant_id", "id")


def tenant_fk(column: str, target_table: str, ondelete: str | None = None) -> ForeignKeyConstraint:
    """A composite reference ``(tenant_id, column)`` → ``target_table(tenant_id, id)``.

    ``SET NULL`` is not offered: it would null ``tenant_id`` too. Configuration rows are retired, not deleted.
    """
    return ForeignKeyConstraint(
        ["tenant_id", column],
        [f"{target_table}.tenant_id", f"{target_table}.id"],
        ondelete=ondelete,
    )
