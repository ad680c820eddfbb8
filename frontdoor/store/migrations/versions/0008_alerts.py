"""alerts: a new urgent or crisis referral, a promise about to lapse, a resident writing while
a link worker holds the chat

One row per alert, raised once: `key` is unique (the referral and what happened), so a restart
or a second console replica finds the row already there and neither shows nor emails it
twice. The email to the team is claimed by one replica at a time (`email_status`, with when it
was claimed), and `seen_at`/`seen_by` record who in the team dealt with it. No personal data:
the referral's reference and urgency only.

Revision ID: 0008_alerts
Revises: 0007_erasure
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_alerts"
down_revision = "0007_erasure"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(120), nullable=False, unique=True),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column(
            "referral_id", sa.Integer(), sa.ForeignKey("referrals.id"), nullable=False, index=True
        ),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("urgency", sa.String(16), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False, index=True),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("seen_at", sa.DateTime(), nullable=True),
        sa.Column("seen_by", sa.String(120), nullable=True),
        sa.Column("email_status", sa.String(16), nullable=False, index=True),
        sa.Column("email_attempts", sa.Integer(), nullable=False),
        sa.Column("email_claimed_at", sa.DateTime(), nullable=True),
        sa.Column("emailed_at", sa.DateTime(), nullable=True),
        sa.Column("email_error", sa.String(255), nullable=True),
        sa.CheckConstraint("kind in ('new_referral', 'promise', 'message')", name="ck_alerts_kind"),
        sa.CheckConstraint(
            "email_status in ('pending', 'sending', 'sent', 'failed', 'off')",
            name="ck_alerts_email_status",
        ),
    )


def downgrade() -> None:
    op.drop_table("alerts")
