"""llm_usage: one row per call to the language model

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-07 02:30:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('llm_calls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('skill', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('prompt', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
    sa.Column('model', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('input_tokens', sa.Integer(), nullable=False),
    sa.Column('output_tokens', sa.Integer(), nullable=False),
    sa.Column('latency_ms', sa.Integer(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('llm_calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_llm_calls_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_llm_calls_skill'), ['skill'], unique=False)
        batch_op.create_index(batch_op.f('ix_llm_calls_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('llm_calls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_llm_calls_user_id'))
        batch_op.drop_index(batch_op.f('ix_llm_calls_skill'))
        batch_op.drop_index(batch_op.f('ix_llm_calls_at'))

    op.drop_table('llm_calls')
