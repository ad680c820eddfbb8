"""caseload: each contact with a resident, and follow-up tasks

A link worker logs every contact (when, how, minutes, what happened; the console logs groups
it sends by itself) and sets follow-up tasks with a due day; a task due today or overdue shows
on their caseload until it is done.

Revision ID: 0009_caseload
Revises: 0008_alerts
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_caseload"
down_revision = "0008_alerts"
branch_labels = None
depends_on = None


def _worker_fk(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("link_workers.id"), nullable=nullable)


def _referral_fk() -> sa.Column:
    return sa.Column(
        "referral_id", sa.Integer(), sa.ForeignKey("referrals.id"), nullable=False, index=True
    )


def upgrade() -> None:
    op.create_table(
        "case_contacts",
        sa.Column("id", sa.Integer(), primary_key=True),
        _referral_fk(),
        _worker_fk("link_worker_id"),
        sa.Column("happened_at", sa.DateTime(), nullable=False),
        sa.Column("how", sa.String(16), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("what_happened", sa.Text(), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "how in ('phone', 'sms', 'email', 'web_chat', 'in_person', 'letter')",
            name="ck_case_contacts_how",
        ),
        sa.CheckConstraint("minutes >= 0 and minutes <= 600", name="ck_case_contacts_minutes"),
    )
    op.create_table(
        "case_tasks",
        sa.Column("id", sa.Integer(), primary_key=True),
        _referral_fk(),
        sa.Column("what", sa.String(300), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False, index=True),
        _worker_fk("created_by_id"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        _worker_fk("done_by_id", nullable=True),
    )


def downgrade() -> None:
    op.drop_table("case_tasks")
    op.drop_table("case_contacts")
