"""Keys for tenant-owned tables.

Every tenant-owned table has ``id`` as its primary key (SQLite can autoincrement only a single-column integer
key) and a unique ``(tenant_id, id)``; every reference between tenant-owned tables is a composite foreign key
on ``(tenant_id, <x>_id)``, so the database itself refuses a row that points into another tenant. The tables
are thereby ready to be distributed by ``tenant_id``.
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
