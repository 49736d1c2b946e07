"""payment_allocations.paid_at (the payment's, copied: a posting carries its date) with an index
the KPIs read what was paid toward each bill since a moment from; payments by loan and date

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payment_allocations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paid_at", UTCDateTime(), nullable=True))
    op.execute("UPDATE payment_allocations SET paid_at = (SELECT payments.paid_at FROM payments "
               "WHERE payments.payment_id = payment_allocations.payment_id)")
    with op.batch_alter_table("payment_allocations", schema=None) as batch_op:
        batch_op.alter_column("paid_at", existing_type=UTCDateTime(), nullable=False)
        batch_op.create_index("ix_payment_allocations_paid_at", ["paid_at"], unique=False,
                              postgresql_include=["bill_id", "amount"])
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index("ix_payments_loan_id_paid_at", ["loan_id", "paid_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_loan_id_paid_at")
    with op.batch_alter_table("payment_allocations", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_allocations_paid_at")
        batch_op.drop_column("paid_at")
