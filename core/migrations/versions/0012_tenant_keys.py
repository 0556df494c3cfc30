"""every tenant table keyed by tenant_id on PostgreSQL, ready to distribute on Citus

On PostgreSQL the primary key of every table whose rows all belong to a tenant becomes ``(tenant_id, id)``, in
place of ``id`` and of the unique ``(tenant_id, id)`` that the composite foreign keys pointed at (they now point at
the primary key); see ``core.migrations.keys``. Unique constraints and foreign keys between tenant tables already
include ``tenant_id``. ``jobs`` keeps ``id``: it also holds platform jobs, with no tenant, and is a reference table
in the plan (``core.sharding``). SQLite keeps its integer rowid keys: nothing changes there.

The tables are those of migrations 0001-0008; a tenant table a later migration adds is keyed by that migration
(``key_by_tenant`` after ``create_table``) or by adding it here. ``tests/test_tenant_keys.py`` checks the live
catalogue, so a table left out fails there.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 00:15:00
"""

from core.migrations.keys import key_by_id, key_by_tenant

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Tables under the wall whose tenant_id may be NULL (rows of the platform): never keyed by tenant.
PLATFORM_ROWS = ("jobs",)


def _tables() -> tuple[str, ...]:
    from core.migrations.versions import tenant_tables  # imported late: it imports this module

    # The tables of 0001–0008 that are still there (0009 dropped one); tables 0009 on create are keyed already.
    keyed_by_id = set(tenant_tables(before="0009"))
    return tuple(table for table in tenant_tables(before="0012") if table in keyed_by_id and table not in PLATFORM_ROWS)


def upgrade() -> None:
    key_by_tenant(_tables())


def downgrade() -> None:
    key_by_id(_tables())
