"""review_items: the trainers' review inbox (CONTRACT §10)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-09
"""
import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('review_items',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('conversation_id', sa.String(length=64), nullable=False),
    sa.Column('message_key', sa.String(length=128), nullable=False),
    sa.Column('borrower_id', sa.String(length=64), nullable=True),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('predicted_intent', sa.String(length=64), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('ranking', sa.JSON(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('intent', sa.String(length=64), nullable=True),
    sa.Column('discarded', sa.Boolean(), nullable=False),
    sa.Column('settled_how', sa.String(length=16), nullable=True),
    sa.Column('settled_by', sa.String(length=100), nullable=True),
    sa.Column('settled_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.Column('export_status', sa.String(length=16), nullable=True),
    sa.Column('export_note', sa.Text(), nullable=True),
    sa.Column('exported_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('conversation_id', 'message_key', name='uq_review_items_message')
    )
    with op.batch_alter_table('review_items', schema=None) as batch_op:
        batch_op.create_index('ix_review_items_status_created_at', ['status', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('review_items', schema=None) as batch_op:
        batch_op.drop_index('ix_review_items_status_created_at')
    op.drop_table('review_items')
