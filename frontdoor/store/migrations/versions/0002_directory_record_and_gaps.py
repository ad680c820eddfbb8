"""directory: keep each service's ORUK record; record gaps in provision

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.add_column(sa.Column("record", sa.Text(), nullable=True))
        # lets the search notice a new import without reading the whole table
        batch_op.create_index("ix_services_active_updated", ["active", "updated_at"])
    op.create_table(
        "gaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("need", sa.String(length=120), nullable=False),
        sa.Column("area", sa.String(length=120), nullable=False),
        sa.Column("day", sa.String(length=16), nullable=True),
        sa.Column("time_of_day", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("gaps", schema=None) as batch_op:
        batch_op.create_index("ix_gaps_area_need", ["area", "need"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("gaps", schema=None) as batch_op:
        batch_op.drop_index("ix_gaps_area_need")
    op.drop_table("gaps")
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.drop_index("ix_services_active_updated")
        batch_op.drop_column("record")
