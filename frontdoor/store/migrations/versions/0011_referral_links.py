"""referral links: two referrals a link worker found to be the same resident

Revision ID: 0011_referral_links
Revises: 0010_wellbeing
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_referral_links"
down_revision = "0010_wellbeing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "referral_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "referral_id", sa.Integer(), sa.ForeignKey("referrals.id"), nullable=False, index=True
        ),
        sa.Column(
            "linked_id", sa.Integer(), sa.ForeignKey("referrals.id"), nullable=False, index=True
        ),
        sa.Column("linked_by_id", sa.Integer(), sa.ForeignKey("link_workers.id"), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("referral_id", "linked_id", name="uq_referral_links_pair"),
        sa.CheckConstraint("referral_id < linked_id", name="ck_referral_links_order"),
    )


def downgrade() -> None:
    op.drop_table("referral_links")
