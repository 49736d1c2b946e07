"""one active arrangement per loan; borrowers.needs_agent_reason

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

ACTIVE = sa.text("status = 'active'")


def upgrade() -> None:
    op.add_column('borrowers', sa.Column('needs_agent_reason', sa.String(length=32), nullable=True))
    op.create_index(
        'uq_arrangements_one_active_per_loan', 'arrangements', ['loan_id'], unique=True,
        postgresql_where=ACTIVE, sqlite_where=ACTIVE,
    )


def downgrade() -> None:
    op.drop_index('uq_arrangements_one_active_per_loan', table_name='arrangements')
    # SQLite >= 3.35 drops a column in place: no table copy, which foreign keys would refuse.
    op.drop_column('borrowers', 'needs_agent_reason')
