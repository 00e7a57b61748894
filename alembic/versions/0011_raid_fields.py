"""raid items: owner kept as text, external reference, decided by, rationale

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-06 23:40:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0011'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('raid_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))
        batch_op.add_column(sa.Column('external_ref', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
        batch_op.add_column(sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))
        batch_op.add_column(sa.Column('rationale', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_raid_items_external_ref'), ['external_ref'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('raid_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_raid_items_external_ref'))
        batch_op.drop_column('rationale')
        batch_op.drop_column('decided_by')
        batch_op.drop_column('external_ref')
        batch_op.drop_column('owner_name')
