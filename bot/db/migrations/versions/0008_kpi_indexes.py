"""Indexes for the KPIs: each table's rows of a period (payments, messages, handoffs,
arrangements, outreach contacts), and the bills not paid in full

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

INDEXES = (("payments", "ix_payments_paid_at", "paid_at"),
           ("messages", "ix_messages_created_at", "created_at"),
           ("handoffs", "ix_handoffs_created_at", "created_at"),
           ("arrangements", "ix_arrangements_created_at", "created_at"),
           ("outreach_contacts", "ix_outreach_contacts_at", "at"))


UNPAID = "principal + interest + late_fee > paid"


def upgrade() -> None:
    for table, name, column in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, [column], unique=False)
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.create_index("ix_bills_unpaid", ["due_date"], unique=False, postgresql_where=sa.text(UNPAID),
                              sqlite_where=sa.text(UNPAID))


def downgrade() -> None:
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.drop_index("ix_bills_unpaid")
    for table, name, _ in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
