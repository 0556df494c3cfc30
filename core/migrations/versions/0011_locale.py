"""each user's own language setting: users.locale ('sv' or 'en'; NULL follows Accept-Language, then Swedish)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 00:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=2), nullable=True))
        batch_op.create_check_constraint(op.f("ck_users_locale"), "locale IN ('sv', 'en')")


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint("ck_users_locale", type_="check")
        batch_op.drop_column("locale")
