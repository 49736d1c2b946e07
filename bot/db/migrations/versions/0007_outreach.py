"""outreach_contacts: the outbox of messages the bot writes first; messages.kind

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('messages', sa.Column('kind', sa.String(length=16), nullable=True))
    op.create_table('outreach_contacts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('borrower_id', sa.String(length=64), nullable=False),
    sa.Column('loan_id', sa.String(length=64), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('segment', sa.String(length=32), nullable=False),
    sa.Column('template', sa.String(length=64), nullable=False),
    sa.Column('variant', sa.String(length=32), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('temporary', sa.Boolean(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('buttons', sa.JSON(), nullable=True),
    sa.Column('conversation_id', sa.String(length=64), nullable=True),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('push_status', sa.String(length=16), nullable=False),
    sa.Column('push_attempts', sa.Integer(), nullable=False),
    sa.Column('push_next_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.Column('push_error', sa.Text(), nullable=True),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['borrower_id'], ['borrowers.id'], ),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('outreach_contacts', schema=None) as batch_op:
        batch_op.create_index('ix_outreach_contacts_borrower_id_at', ['borrower_id', 'at'], unique=False)
        batch_op.create_index('ix_outreach_contacts_status', ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_outreach_contacts_loan_id'), ['loan_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outreach_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outreach_contacts_loan_id'))
        batch_op.drop_index('ix_outreach_contacts_status')
        batch_op.drop_index('ix_outreach_contacts_borrower_id_at')
    op.drop_table('outreach_contacts')
    op.drop_column('messages', 'kind')
