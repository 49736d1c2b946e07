"""payments from the wallet: payments.payment_id (was reference), borrower, currency, paid_at;
payment_allocations; bills.opening_paid

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# SQLite names its unnamed unique constraint nothing: batch mode finds it by this convention.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    # Rows there before are kept: a payment without a reference gets one that no wallet id
    # can take, and its borrower, currency and time of payment are its loan's and its receipt's.
    op.add_column('payments', sa.Column('borrower_id', sa.String(length=64), nullable=True))
    op.add_column('payments', sa.Column('currency', sa.String(length=3), nullable=True))
    op.add_column('payments', sa.Column('paid_at', bot.db.types.UTCDateTime(), nullable=True))
    op.execute("UPDATE payments SET reference = 'legacy-' || CAST(id AS VARCHAR(20)) "
               "WHERE reference IS NULL")
    op.execute("UPDATE payments SET borrower_id = (SELECT loans.borrower_id FROM loans "
               "WHERE loans.id = payments.loan_id), currency = (SELECT loans.currency FROM loans "
               "WHERE loans.id = payments.loan_id), paid_at = received_at")
    with op.batch_alter_table('payments', naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint(_reference_constraint(), type_='unique')
        batch_op.alter_column('reference', new_column_name='payment_id', existing_type=sa.String(128),
                              nullable=False)
        batch_op.alter_column('borrower_id', existing_type=sa.String(64), nullable=False)
        batch_op.alter_column('currency', existing_type=sa.String(3), nullable=False)
        batch_op.alter_column('paid_at', existing_type=bot.db.types.UTCDateTime(), nullable=False)
    with op.batch_alter_table('payments') as batch_op:  # a second pass: the column has its new name
        batch_op.create_unique_constraint('uq_payments_payment_id', ['payment_id'])
        batch_op.create_foreign_key('fk_payments_borrower_id_borrowers', 'borrowers',
                                    ['borrower_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_payments_borrower_id'), ['borrower_id'], unique=False)

    # What was paid before the ledger's own payments: every `paid` there so far.
    op.add_column('bills', sa.Column('opening_paid', bot.db.types.Money(), nullable=False,
                                     server_default='0'))
    op.execute("UPDATE bills SET opening_paid = paid")

    op.create_table('payment_allocations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('payment_id', sa.String(length=128), nullable=False),
    sa.Column('bill_id', sa.Integer(), nullable=True),
    sa.Column('component', sa.String(length=16), nullable=False),
    sa.Column('amount', bot.db.types.Money(), nullable=False),
    sa.ForeignKeyConstraint(['bill_id'], ['bills.id'], ),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.payment_id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('payment_allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_allocations_bill_id'), ['bill_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_allocations_payment_id'), ['payment_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('payment_allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_allocations_payment_id'))
        batch_op.drop_index(batch_op.f('ix_payment_allocations_bill_id'))
    op.drop_table('payment_allocations')
    op.drop_column('bills', 'opening_paid')  # SQLite >= 3.35 drops a column in place
    with op.batch_alter_table('payments', naming_convention=NAMING) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_borrower_id'))
        batch_op.drop_constraint('fk_payments_borrower_id_borrowers', type_='foreignkey')
        batch_op.drop_constraint('uq_payments_payment_id', type_='unique')
        batch_op.alter_column('payment_id', new_column_name='reference', existing_type=sa.String(128),
                              nullable=True)
    with op.batch_alter_table('payments') as batch_op:
        batch_op.create_unique_constraint(_reference_constraint(), ['reference'])
        batch_op.drop_column('paid_at')
        batch_op.drop_column('currency')
        batch_op.drop_column('borrower_id')


def _reference_constraint() -> str:
    # PostgreSQL named it when 0001 created it unnamed; SQLite by the convention above.
    return 'payments_reference_key' if op.get_bind().dialect.name == 'postgresql' else 'uq_payments_reference'
