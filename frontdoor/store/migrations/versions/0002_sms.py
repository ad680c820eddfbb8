"""sms: inbound message ids, numbers (opt-out, flood warning, options), outbound delivery

Revision ID: 0002_sms
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_sms"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_inbound",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("message_sid", sa.String(length=64), unique=True),
        sa.Column("idempotency_token", sa.String(length=128), unique=True),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
    )
    op.create_index("ix_sms_inbound_number_received", "sms_inbound", ["number", "received_at"])
    op.create_table(
        "sms_numbers",
        sa.Column("number", sa.String(length=32), primary_key=True),
        sa.Column("opted_out_at", sa.DateTime()),
        sa.Column("opted_in_at", sa.DateTime()),
        sa.Column("limited_at", sa.DateTime()),
        sa.Column("options", sa.JSON()),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "sms_outbound",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("segments", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=16)),
        sa.Column("track", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("twilio_sid", sa.String(length=64), unique=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=255)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("delivered_at", sa.DateTime()),
    )
    op.create_index("ix_sms_outbound_number", "sms_outbound", ["number"])
    op.create_index("ix_sms_outbound_reference", "sms_outbound", ["reference"])
    op.create_index("ix_sms_outbound_status", "sms_outbound", ["status"])


def downgrade() -> None:
    op.drop_table("sms_outbound")
    op.drop_table("sms_numbers")
    op.drop_index("ix_sms_inbound_number_received", table_name="sms_inbound")
    op.drop_table("sms_inbound")
