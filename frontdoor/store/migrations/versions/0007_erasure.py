"""erasure: when a consent and a safety flag lost their personal data

"Delete my details" and the retention purge now reach every table. Referrals already had
erased_at; consents and risk events get one too, so the record shows what was erased and when
without keeping what it was.

Revision ID: 0007_erasure
Revises: 0006_sms_conversation_ids
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_erasure"
down_revision = "0006_sms_conversation_ids"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("consents") as batch:
        batch.add_column(sa.Column("erased_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("risk_events") as batch:
        batch.add_column(sa.Column("erased_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("risk_events") as batch:
        batch.drop_column("erased_at")
    with op.batch_alter_table("consents") as batch:
        batch.drop_column("erased_at")
