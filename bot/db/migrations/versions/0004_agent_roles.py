"""agents.role: agent, trainer or supervisor (bot/auth/roles.py); existing agents are agents

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The server default fills the rows already there, on SQLite and PostgreSQL alike.
    op.add_column('agents', sa.Column('role', sa.String(length=16), nullable=False,
                                      server_default='agent'))


def downgrade() -> None:
    op.drop_column('agents', 'role')  # SQLite >= 3.35 drops a column in place
