"""distributing a published lägesbild: deliveries per publication and reporters' opt-outs

The outbox learns which picture (and which version of it) a row distributes, the file it carries and a reporter's
one-click opt-out address; ``publication_files`` keeps a picture's attachment once for all its recipients;
``reporter_opt_outs`` records the reporters who no longer want the feedback.

Both new tables are keyed by ``(tenant_id, id)`` on PostgreSQL (ready to distribute by tenant); SQLite keeps the
integer ``id`` key it can autoincrement.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 03:10:00
"""

import sqlalchemy as sa
from alembic import op

import core.db
from core.migrations.rls import disable_tenant_rls, enable_tenant_rls

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None
TENANT_TABLES = ("publication_files", "reporter_opt_outs")


def _key(postgresql: bool) -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), *([sa.Identity()] if postgresql else []), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
    ]


def _tenant_constraints(table: str, postgresql: bool) -> list[sa.Constraint]:
    return [
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint(*(["tenant_id", "id"] if postgresql else ["id"]), name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f(f"uq_{table}_tenant_id_id")),
    ]


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "publication_files",
        *_key(postgresql),
        sa.Column("lagesbild_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=10), nullable=False),
        sa.Column("filename", sa.String(length=120), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "lagesbild_id"],
            ["lagesbilder.tenant_id", "lagesbilder.id"],
            name=op.f("fk_publication_files_tenant_id_lagesbild_id_lagesbilder"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "tenant_id",
            "lagesbild_id",
            "audience",
            "filename",
            name=op.f("uq_publication_files_tenant_id_lagesbild_id_audience_filename"),
        ),
        *_tenant_constraints("publication_files", postgresql),
    )
    op.create_table(
        "reporter_opt_outs",
        *_key(postgresql),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "membership_id"],
            ["memberships.tenant_id", "memberships.id"],
            name=op.f("fk_reporter_opt_outs_tenant_id_membership_id_memberships"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("tenant_id", "membership_id", name=op.f("uq_reporter_opt_outs_tenant_id_membership_id")),
        *_tenant_constraints("reporter_opt_outs", postgresql),
    )
    for table in TENANT_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_tenant_id"), ["tenant_id"], unique=False)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lagesbild_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("audience", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("attachment_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("unsubscribe_url", sa.String(length=500), nullable=True))
        batch_op.create_index("ix_outbox_tenant_id_lagesbild_id", ["tenant_id", "lagesbild_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_tenant_id_lagesbild_id_lagesbilder"),
            "lagesbilder",
            ["tenant_id", "lagesbild_id"],
            ["tenant_id", "id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_tenant_id_attachment_id_publication_files"),
            "publication_files",
            ["tenant_id", "attachment_id"],
            ["tenant_id", "id"],
            ondelete="CASCADE",
        )
    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_tenant_id_attachment_id_publication_files"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_outbox_tenant_id_lagesbild_id_lagesbilder"), type_="foreignkey")
        batch_op.drop_index("ix_outbox_tenant_id_lagesbild_id")
        for name in ("unsubscribe_url", "attachment_id", "audience", "lagesbild_id"):
            batch_op.drop_column(name)
    op.drop_table("reporter_opt_outs")
    op.drop_table("publication_files")
