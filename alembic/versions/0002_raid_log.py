"""raid log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 04:39:18.405910
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('raid_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('raised_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('probability', sa.Integer(), nullable=True),
    sa.Column('impact', sa.Integer(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('severity', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('strategy', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('mitigation', sa.Text(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'type', 'seq', name='uq_raid_seq')
    )
    with op.batch_alter_table('raid_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_raid_items_deleted'), ['deleted'], unique=False)
        batch_op.create_index(batch_op.f('ix_raid_items_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_raid_items_key'), ['key'], unique=True)
        batch_op.create_index(batch_op.f('ix_raid_items_owner'), ['owner'], unique=False)
        batch_op.create_index(batch_op.f('ix_raid_items_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_raid_items_status'), ['status'], unique=False)

    op.create_table('raid_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('old', sa.Text(), nullable=True),
    sa.Column('new', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['raid_items.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('raid_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_raid_history_item_id'), ['item_id'], unique=False)

    op.create_table('raid_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_id', sa.Integer(), nullable=False),
    sa.Column('to_id', sa.Integer(), nullable=False),
    sa.Column('relation', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.ForeignKeyConstraint(['from_id'], ['raid_items.id'], ),
    sa.ForeignKeyConstraint(['to_id'], ['raid_items.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('from_id', 'to_id', 'relation', name='uq_raid_link')
    )
    with op.batch_alter_table('raid_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_raid_links_from_id'), ['from_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_raid_links_to_id'), ['to_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('raid_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_raid_links_to_id'))
        batch_op.drop_index(batch_op.f('ix_raid_links_from_id'))

    op.drop_table('raid_links')
    with op.batch_alter_table('raid_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_raid_history_item_id'))

    op.drop_table('raid_history')
    with op.batch_alter_table('raid_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_raid_items_status'))
        batch_op.drop_index(batch_op.f('ix_raid_items_project_id'))
        batch_op.drop_index(batch_op.f('ix_raid_items_owner'))
        batch_op.drop_index(batch_op.f('ix_raid_items_key'))
        batch_op.drop_index(batch_op.f('ix_raid_items_due_on'))
        batch_op.drop_index(batch_op.f('ix_raid_items_deleted'))

    op.drop_table('raid_items')
