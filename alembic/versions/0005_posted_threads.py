"""posted_threads

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 06:36:16.909225
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('posted_threads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('posted_threads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posted_threads_key'), ['key'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('posted_threads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_posted_threads_key'))

    op.drop_table('posted_threads')
