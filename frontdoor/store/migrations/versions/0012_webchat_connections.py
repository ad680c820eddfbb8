"""web chat connections: which pages have the web chat open, on which Rasa server

Revision ID: 0012_webchat_connections
Revises: 0011_referral_links
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_webchat_connections"
down_revision = "0011_referral_links"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webchat_connections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("server_id", sa.String(120), nullable=False, index=True),
        sa.Column("sid", sa.String(64), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
        sa.Column("connected_at", sa.DateTime(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.Column("left_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint(
            "server_id", "sid", "conversation_id", name="uq_webchat_connections_socket"
        ),
    )


def downgrade() -> None:
    op.drop_table("webchat_connections")
