"""project teams, raid_history.change, learned examples, clarifications, reminders

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-06 23:30:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('projects') as batch:
        batch.add_column(sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch.add_column(sa.Column('other_teams', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('raid_history') as batch:
        batch.add_column(sa.Column('change', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch.create_index('ix_raid_history_change', ['change'])
    op.create_table('learned_examples',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_learned_examples_workspace', 'learned_examples', ['workspace'])
    op.create_index('ix_learned_examples_kind', 'learned_examples', ['kind'])
    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('creator', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('target', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('first_due', sa.DateTime(timezone=True), nullable=False),
    sa.Column('repeat', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_reminders_creator', 'reminders', ['creator'])
    op.create_index('ix_reminders_target', 'reminders', ['target'])
    op.create_index('ix_reminders_cancelled', 'reminders', ['cancelled'])
    op.create_table('clarifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=True),
    sa.Column('answered', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('clarifications')
    op.drop_table('reminders')
    op.drop_index('ix_learned_examples_kind', table_name='learned_examples')
    op.drop_index('ix_learned_examples_workspace', table_name='learned_examples')
    op.drop_table('learned_examples')
    with op.batch_alter_table('raid_history') as batch:
        batch.drop_index('ix_raid_history_change')
        batch.drop_column('change')
    with op.batch_alter_table('projects') as batch:
        batch.drop_column('other_teams')
        batch.drop_column('team_id')
