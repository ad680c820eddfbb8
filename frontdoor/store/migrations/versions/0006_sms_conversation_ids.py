"""sms conversations: the number behind each SMS conversation's opaque id

SMS conversations are no longer named by the resident's phone number but by an opaque id
keyed with SMS_ID_SECRET; this table lets texts pushed later (a link worker's reply) find the
number again. Conversations named by a number before this stay as they are.

Revision ID: 0006_sms_conversation_ids
Revises: 0005_risk_flag_review
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_sms_conversation_ids"
down_revision = "0005_risk_flag_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_conversations",
        sa.Column("conversation_id", sa.String(length=64), primary_key=True),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_sms_conversations_number", "sms_conversations", ["number"])


def downgrade() -> None:
    op.drop_index("ix_sms_conversations_number", table_name="sms_conversations")
    op.drop_table("sms_conversations")
