"""delivery of the outbox over SMTP exactly once: leases, attempts and the server's replies

The outbox gets what a sender needs to claim a row (a lease), retry it (attempts, when it is due again) and show
the outcome (the server's last reply); a recipient of a distribution list gets an optional function and may be a
whole group of the org model instead of an address; every change to a list is recorded in
``distribution_changes``; a tenant gets the display name its e-mail is sent under.

``distribution_changes`` is keyed by ``(tenant_id, id)`` on PostgreSQL (ready to distribute by tenant); SQLite
keeps the integer ``id`` key it can autoincrement.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 00:30:00
"""

import sqlalchemy as sa
from alembic import op

import core.db
from core.migrations.rls import disable_tenant_rls, enable_tenant_rls

revision = "0013"
TENANT_TABLES = ("distribution_changes",)
down_revision = "0012"
branch_labels = None
depends_on = None

OUTBOX_COLUMNS = (
    ("html_body", sa.Text(), {}),
    ("attempts", sa.Integer(), {"nullable": False, "server_default": "0"}),
    ("last_attempt_at", core.db.UTCDateTime(timezone=True), {}),
    ("next_attempt_at", core.db.UTCDateTime(timezone=True), {}),
    ("lease_owner", sa.String(length=100), {}),
    ("lease_until", core.db.UTCDateTime(timezone=True), {}),
    ("reply_code", sa.Integer(), {}),
    ("reply", sa.String(length=500), {}),
)


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        for name, type_, options in OUTBOX_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, **{"nullable": True, **options}))
        batch_op.create_index("ix_outbox_tenant_id_status", ["tenant_id", "status"], unique=False)
    with op.batch_alter_table("distribution_recipients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("function", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch_op.alter_column("email", existing_type=sa.String(length=254), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_distribution_recipients_tenant_id_group_id_groups"),
            "groups",
            ["tenant_id", "group_id"],
            ["tenant_id", "id"],
            ondelete="CASCADE",
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_distribution_recipients_tenant_id_list_id_group_id"), ["tenant_id", "list_id", "group_id"]
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_distribution_recipients_one_target"), "(email IS NULL) <> (group_id IS NULL)"
        )
    # Added in place (no batch copy on SQLite): the tenants table carries the revision triggers of migration 0005.
    op.add_column("tenants", sa.Column("mail_sender_name", sa.String(length=200), nullable=True))

    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "distribution_changes",
        sa.Column("id", sa.Integer(), *([sa.Identity()] if postgresql else []), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("detail", sa.String(length=300), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by"], ["users.id"], name=op.f("fk_distribution_changes_changed_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "list_id"],
            ["distribution_lists.tenant_id", "distribution_lists.id"],
            name=op.f("fk_distribution_changes_tenant_id_list_id_distribution_lists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_distribution_changes_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint(*(["tenant_id", "id"] if postgresql else ["id"]), name=op.f("pk_distribution_changes")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_distribution_changes_tenant_id_id")),
    )
    with op.batch_alter_table("distribution_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_distribution_changes_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_distribution_changes_list_id"), ["list_id"], unique=False)
    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    op.drop_table("distribution_changes")
    op.drop_column("tenants", "mail_sender_name")
    op.execute("DELETE FROM distribution_recipients WHERE email IS NULL")
    with op.batch_alter_table("distribution_recipients", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_distribution_recipients_one_target"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_distribution_recipients_tenant_id_list_id_group_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_distribution_recipients_tenant_id_group_id_groups"), type_="foreignkey")
        batch_op.alter_column("email", existing_type=sa.String(length=254), nullable=False)
        batch_op.drop_column("group_id")
        batch_op.drop_column("function")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_tenant_id_status")
        for name, _type, _options in reversed(OUTBOX_COLUMNS):
            batch_op.drop_column(name)
