"""every tenant table keyed by tenant_id on PostgreSQL, ready to distribute on Citus

Placeholder: filled in by the change that needs it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 00:15:00
"""

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
