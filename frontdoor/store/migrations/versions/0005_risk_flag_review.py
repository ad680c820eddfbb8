"""risk flags: where each came from, the words that raised it, and a link worker's review

Also joins the three branches (directory, SMS, console) into one head.

Revision ID: 0005_risk_flag_review
Revises: 0002, 0002_sms, 0004_console
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_risk_flag_review"
down_revision = ("0002", "0002_sms", "0004_console")
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("risk_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("words", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("status", sa.String(length=10), nullable=False, server_default="open")
        )
        batch_op.add_column(sa.Column("reviewed_by", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("review_note", sa.Text(), nullable=True))
        batch_op.create_check_constraint(
            "ck_risk_events_status", "status in ('open', 'confirmed', 'cleared')"
        )


def downgrade() -> None:
    with op.batch_alter_table("risk_events", schema=None) as batch_op:
        batch_op.drop_constraint("ck_risk_events_status", type_="check")
        for column in ("review_note", "reviewed_at", "reviewed_by", "status", "words", "source"):
            batch_op.drop_column(column)
