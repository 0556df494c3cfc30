"""the offline reporter: Idempotency-Key of report submissions

``idempotency_keys`` holds, per tenant, user and client-chosen key, the report a submission made and a fingerprint
of its body, so that a resend (an offline queue flushing, a double click, a lost response) answers with that report
instead of making a second one. Keyed by ``(tenant_id, id)`` on PostgreSQL (ready to distribute by tenant); SQLite
keeps the integer ``id`` key it can autoincrement.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 03:10:00
"""

import sqlalchemy as sa
from alembic import op

import core.db
from core.migrations.rls import disable_tenant_rls, enable_tenant_rls

revision = "0014"
TENANT_TABLES = ("idempotency_keys",)
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), *([sa.Identity()] if postgresql else []), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_idempotency_keys_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "report_id"],
            ["reports.tenant_id", "reports.id"],
            name=op.f("fk_idempotency_keys_tenant_id_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_idempotency_keys_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint(*(["tenant_id", "id"] if postgresql else ["id"]), name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_idempotency_keys_tenant_id_id")),
        sa.UniqueConstraint("tenant_id", "user_id", "key", name=op.f("uq_idempotency_keys_tenant_id_user_id_key")),
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idempotency_keys_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index("ix_idempotency_keys_tenant_created", ["tenant_id", "created_at"], unique=False)
    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    op.drop_table("idempotency_keys")
