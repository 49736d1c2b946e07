"""payment_allocations.paid_at (the payment's, copied: a posting carries its date) with an index
the KPIs read what was paid toward each bill since a moment from; payments by loan and date;
borrowers' messages and sent contacts by date, covering what the KPIs read of them

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

PARTIAL = (("messages", "ix_messages_borrower_created_at", "created_at", ["conversation_id"],
            "sender = 'borrower'"),
           ("outreach_contacts", "ix_outreach_contacts_sent_at", "at", ["borrower_id", "loan_id"],
            "status = 'sent'"))


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
    for table, name, column, include, where in PARTIAL:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, [column], unique=False, postgresql_include=include,
                                  postgresql_where=sa.text(where), sqlite_where=sa.text(where))


def downgrade() -> None:
    for table, name, *_ in PARTIAL:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_loan_id_paid_at")
    with op.batch_alter_table("payment_allocations", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_allocations_paid_at")
        batch_op.drop_column("paid_at")
