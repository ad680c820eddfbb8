"""link worker console: accounts, logins, API tokens, handling, notes, outcomes, audit

Revision ID: 0004_console
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_console"
down_revision = "0001"
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _worker_fk(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("link_workers.id"), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "link_workers",
        _id(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("email", sa.String(120), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("role in ('link_worker', 'manager')", name="ck_link_workers_role"),
    )
    op.create_table(
        "console_sessions",
        _id(),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        _worker_fk("link_worker_id"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False, index=True),
    )
    op.create_table(
        "console_api_tokens",
        _id(),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("label", sa.String(120), nullable=False),
        _worker_fk("link_worker_id"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "referral_work",
        sa.Column("referral_id", sa.Integer(), sa.ForeignKey("referrals.id"), primary_key=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("first_contact_at", sa.DateTime(), nullable=True),
        sa.Column("chat_held_by", sa.String(120), nullable=True),
        sa.Column("chat_held_since", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "referral_notes",
        _id(),
        sa.Column(
            "referral_id", sa.Integer(), sa.ForeignKey("referrals.id"), nullable=False, index=True
        ),
        _worker_fk("author_id"),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "referral_outcomes",
        _id(),
        sa.Column(
            "referral_id", sa.Integer(), sa.ForeignKey("referrals.id"), nullable=False, unique=True
        ),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("groups_joined", sa.JSON(), nullable=True),
        sa.Column("snomed_code", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        _worker_fk("closed_by_id"),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "outcome in ('connected_to_group', 'referred_elsewhere', 'declined', "
            "'could_not_contact')",
            name="ck_outcomes_outcome",
        ),
    )
    op.create_table(
        "audit_events",
        _id(),
        sa.Column("at", sa.DateTime(), nullable=False, index=True),
        _worker_fk("link_worker_id", nullable=True),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column(
            "referral_id", sa.Integer(), sa.ForeignKey("referrals.id"), nullable=True, index=True
        ),
        sa.Column("reference", sa.String(16), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    for table in (
        "audit_events",
        "referral_outcomes",
        "referral_notes",
        "referral_work",
        "console_api_tokens",
        "console_sessions",
        "link_workers",
    ):
        op.drop_table(table)
