"""handoffs: who claimed when, how it ended; one active handoff per conversation

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

ACTIVE = sa.text("status != 'closed'")


def upgrade() -> None:
    op.add_column('handoffs', sa.Column('claimed_at', bot.db.types.UTCDateTime(), nullable=True))
    op.add_column('handoffs', sa.Column('outcome', sa.String(length=16), nullable=True))
    op.add_column('handoffs', sa.Column('closed_at', bot.db.types.UTCDateTime(), nullable=True))
    op.create_index(
        'uq_handoffs_one_active_per_conversation', 'handoffs', ['conversation_id'], unique=True,
        postgresql_where=ACTIVE, sqlite_where=ACTIVE,
    )
    op.create_index('ix_handoffs_queue', 'handoffs', ['status', 'priority', 'created_at'])


def downgrade() -> None:
    op.drop_index('ix_handoffs_queue', table_name='handoffs')
    op.drop_index('uq_handoffs_one_active_per_conversation', table_name='handoffs')
    # SQLite >= 3.35 drops a column in place.
    op.drop_column('handoffs', 'closed_at')
    op.drop_column('handoffs', 'outcome')
    op.drop_column('handoffs', 'claimed_at')
