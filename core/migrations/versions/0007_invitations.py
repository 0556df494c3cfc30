"""invitations: an account joins a tenant only when the owner of the invited e-mail accepts

No revision trigger (0005) watches this table: requests keep a tenant's memberships in memory, not its
invitations, and accepting one inserts a membership, which bumps the tenant's revision already.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 22:30:00
"""

import sqlalchemy as sa
from alembic import op

import core.db
from core.migrations.rls import disable_tenant_rls, enable_tenant_rls

revision = "0007"
TENANT_TABLES = ("invitations",)
down_revision = "0006"
branch_labels = None
depends_on = None

PENDING_ONLY = sa.text("state = 'pending'")


def upgrade() -> None:
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("reporter_function_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("invited_by", sa.Integer(), nullable=True),
        sa.Column("invited_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invited_by"], ["users.id"], name=op.f("fk_invitations_invited_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "organisation_id"],
            ["organisations.tenant_id", "organisations.id"],
            name=op.f("fk_invitations_tenant_id_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "reporter_function_id"],
            ["reporter_functions.tenant_id", "reporter_functions.id"],
            name=op.f("fk_invitations_tenant_id_reporter_function_id_reporter_functions"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_invitations_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_invitations_tenant_id_id")),
        sa.UniqueConstraint("tenant_id", "token_hash", name=op.f("uq_invitations_tenant_id_token_hash")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitations_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(
            "uq_invitations_tenant_id_email_pending",
            ["tenant_id", "email"],
            unique=True,
            sqlite_where=PENDING_ONLY,
            postgresql_where=PENDING_ONLY,
        )
    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    op.drop_table("invitations")
