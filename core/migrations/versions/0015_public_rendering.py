"""reserved for the public rendering of a lägesbild: the tenant's count threshold and coordinator-marked public text

A public rendering shows a count below ``public_count_threshold`` as "färre än N", so that a single event can't
be traced to a person. Which free text may go public is marked inside the assessment (JSON), so needs no column.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 03:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added in place (no batch copy on SQLite): the tenants table carries the revision triggers of migration 0005.
    # The range (1–50) is the onboarding schema's; a CHECK would need that copy on SQLite.
    op.add_column("tenants", sa.Column("public_count_threshold", sa.Integer(), nullable=False, server_default="3"))


def downgrade() -> None:
    op.drop_column("tenants", "public_count_threshold")
