"""the workflow primitive: one transition log for every stateful subject, revisions as version counters

Placeholder: filled in by the change that needs it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 00:15:00
"""

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
