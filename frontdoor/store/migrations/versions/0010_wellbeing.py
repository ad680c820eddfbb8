"""wellbeing: ONS4 and UCLA 3-item loneliness answers at the start and the end

Revision ID: 0010_wellbeing
Revises: 0009_caseload
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_wellbeing"
down_revision = "0009_caseload"
branch_labels = None
depends_on = None

ONS4 = ("life_satisfied", "worthwhile", "happy", "anxious")
UCLA3 = ("lack_companionship", "left_out", "isolated")


def upgrade() -> None:
    op.create_table(
        "wellbeing_scores",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
        sa.Column("referral_id", sa.Integer(), sa.ForeignKey("referrals.id"), index=True),
        sa.Column("stage", sa.String(8), nullable=False),
        sa.Column("recorded_by", sa.String(16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        *(sa.Column(name, sa.SmallInteger()) for name in ONS4 + UCLA3),
        sa.CheckConstraint("stage in ('start', 'end')", name="ck_wellbeing_stage"),
        sa.CheckConstraint(
            "recorded_by in ('assistant', 'link_worker', 'resident')", name="ck_wellbeing_by"
        ),
        *(
            sa.CheckConstraint(f"{name} between 0 and 10", name=f"ck_wellbeing_{name}")
            for name in ONS4
        ),
        *(
            sa.CheckConstraint(f"{name} between 1 and 3", name=f"ck_wellbeing_{name}")
            for name in UCLA3
        ),
    )


def downgrade() -> None:
    op.drop_table("wellbeing_scores")
