"""processed_deliveries: index received_at, so expired delivery keys are pruned cheaply

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 05:20:00
"""

from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('processed_deliveries', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_processed_deliveries_received_at'), ['received_at'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('processed_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_processed_deliveries_received_at'))
