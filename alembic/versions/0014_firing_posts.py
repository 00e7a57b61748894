"""each post a scheduled firing made, and who holds a claim

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("schedule_firings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claim_token", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_schedule_firings_claim_token"), ["claim_token"], unique=False
        )
    op.create_table(
        "schedule_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firing_id", sa.Integer(), nullable=False),
        sa.Column("step", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["firing_id"], ["schedule_firings.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("firing_id", "step", name="uq_firing_post"),
    )
    with op.batch_alter_table("schedule_posts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedule_posts_firing_id"), ["firing_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("schedule_posts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_posts_firing_id"))
    op.drop_table("schedule_posts")
    with op.batch_alter_table("schedule_firings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_firings_claim_token"))
        batch_op.drop_column("claim_token")
