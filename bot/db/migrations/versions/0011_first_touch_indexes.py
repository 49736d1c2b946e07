"""Indexes the KPIs read first touches from (each loan's and borrower's first sent contact of a
period, in order, with what it is grouped by) and the first message a person wrote after a
handoff

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

SENT, BY_AGENT = "status = 'sent'", "sender = 'agent'"
INDEXES: tuple[tuple[str, str, list[str], list[str], str], ...] = (
    ("outreach_contacts", "ix_outreach_contacts_first_by_loan", ["loan_id", "at", "id"],
     ["segment", "stage", "template"], SENT),
    ("outreach_contacts", "ix_outreach_contacts_first_by_borrower", ["borrower_id", "at", "id"],
     ["segment", "stage", "template"], SENT),
    ("messages", "ix_messages_agent_conversation_created_at", ["conversation_id", "created_at"], [],
     BY_AGENT),
)


def upgrade() -> None:
    for table, name, columns, include, where in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False, postgresql_include=include,
                                  postgresql_where=sa.text(where), sqlite_where=sa.text(where))


def downgrade() -> None:
    for table, name, *_ in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
