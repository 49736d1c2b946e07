"""arrangement_bills: the bills a deferral or plan covers, with their late fee when it was made

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Arrangements made before have no rows: they keep the bills' own dates, as they did.
    op.create_table('arrangement_bills',
    sa.Column('arrangement_id', sa.String(length=36), nullable=False),
    sa.Column('bill_id', sa.Integer(), nullable=False),
    sa.Column('late_fee_at_start', bot.db.types.Money(), nullable=False),
    sa.Column('late_fee_frozen', sa.Boolean(), nullable=False),
    sa.Column('late_fee_waived', bot.db.types.Money(), nullable=True),
    sa.ForeignKeyConstraint(['arrangement_id'], ['arrangements.id'], ),
    sa.ForeignKeyConstraint(['bill_id'], ['bills.id'], ),
    sa.PrimaryKeyConstraint('arrangement_id', 'bill_id')
    )
    with op.batch_alter_table('arrangement_bills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_arrangement_bills_bill_id'), ['bill_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('arrangement_bills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_arrangement_bills_bill_id'))
    op.drop_table('arrangement_bills')
