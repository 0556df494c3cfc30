"""the workflow primitive: one transition log for every stateful subject, revisions as version counters

``transitions`` replaces ``cycle_transitions`` (its rows are kept, as subject kind ``cycle``) and logs lägesbilder,
checklist versions and proposals too. ``revision`` is SQLAlchemy's version counter on every stateful row and on
reports (which get ETags): checklist versions and reports gain it; every ``revision`` defaults to 1 in the
database, so rows inserted by plain statements start at 1 like those inserted by the ORM.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 00:15:00
"""

import sqlalchemy as sa
from alembic import op

import core.db
from core.migrations.rls import disable_tenant_rls, enable_tenant_rls

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TENANT_TABLES = ("transitions",)
DROPPED_TENANT_TABLES = ("cycle_transitions",)
NEW_REVISIONS = ("checklist_versions", "reports")
OLD_REVISIONS = ("cycles", "lagesbilder", "proposals")
LOG_COLUMNS = "tenant_id, from_state, to_state, by_user, at, note"


def _keys(table: str) -> list[sa.Constraint]:
    """The Citus rule on PostgreSQL (the primary key includes ``tenant_id``); SQLite keeps its integer rowid key."""
    if op.get_bind().dialect.name == "postgresql":
        return [sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f(f"pk_{table}"))]
    return [
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f(f"uq_{table}_tenant_id_id")),
    ]


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "transitions",
        sa.Column("id", sa.Integer(), *([sa.Identity()] if postgresql else []), nullable=False),
        sa.Column("subject_kind", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("by_user", sa.Integer(), nullable=True),
        sa.Column("at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_user"], ["users.id"], name=op.f("fk_transitions_by_user_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_transitions_tenant_id_tenants"), ondelete="CASCADE"
        ),
        *_keys("transitions"),
    )
    with op.batch_alter_table("transitions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_transitions_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(
            "ix_transitions_tenant_subject", ["tenant_id", "subject_kind", "subject_id"], unique=False
        )
    enable_tenant_rls("transitions")
    op.execute(
        f"INSERT INTO transitions (subject_kind, subject_id, {LOG_COLUMNS}) "
        f"SELECT 'cycle', cycle_id, {LOG_COLUMNS} FROM cycle_transitions ORDER BY id"
    )
    disable_tenant_rls("cycle_transitions")
    op.drop_table("cycle_transitions")
    # Plain ALTERs, no batch: SQLite's batch mode copies a table, which would drop the triggers of migration 0005.
    for table in NEW_REVISIONS:
        op.add_column(table, sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))
    if postgresql:  # SQLite cannot change a column's default in place; there only the ORM inserts these rows
        for table in OLD_REVISIONS:
            op.alter_column(table, "revision", existing_type=sa.Integer(), server_default="1")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in OLD_REVISIONS:
            op.alter_column(table, "revision", existing_type=sa.Integer(), server_default=None)
    for table in NEW_REVISIONS:
        op.drop_column(table, "revision")
    op.create_table(
        "cycle_transitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("by_user", sa.Integer(), nullable=True),
        sa.Column("at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_user"], ["users.id"], name=op.f("fk_cycle_transitions_by_user_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "cycle_id"],
            ["cycles.tenant_id", "cycles.id"],
            name=op.f("fk_cycle_transitions_tenant_id_cycle_id_cycles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_cycle_transitions_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycle_transitions")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_cycle_transitions_tenant_id_id")),
    )
    with op.batch_alter_table("cycle_transitions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cycle_transitions_tenant_id"), ["tenant_id"], unique=False)
    enable_tenant_rls("cycle_transitions")
    op.execute(
        f"INSERT INTO cycle_transitions (cycle_id, {LOG_COLUMNS}) "
        f"SELECT subject_id, {LOG_COLUMNS} FROM transitions WHERE subject_kind = 'cycle' ORDER BY id"
    )
    disable_tenant_rls("transitions")
    op.drop_table("transitions")
