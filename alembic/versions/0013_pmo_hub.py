"""pmo_hub: milestones, cost, the App Home record

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-07 00:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0013'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('hub_homes',
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('pages', sa.JSON(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_table('cost_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('entered_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'period', 'kind', name='uq_cost_figure')
    )
    with op.batch_alter_table('cost_figures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cost_figures_project_id'), ['project_id'], unique=False)

    op.create_table('cost_plans',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('budget_cents', sa.BigInteger(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('set_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('project_id')
    )
    op.create_table('milestone_settings',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('slip_threshold_days', sa.Integer(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('project_id')
    )
    op.create_table('milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('baseline_on', sa.Date(), nullable=False),
    sa.Column('forecast_on', sa.Date(), nullable=False),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'seq', name='uq_milestone_seq')
    )
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestones_deleted'), ['deleted'], unique=False)
        batch_op.create_index(batch_op.f('ix_milestones_forecast_on'), ['forecast_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_milestones_key'), ['key'], unique=True)
        batch_op.create_index(batch_op.f('ix_milestones_owner'), ['owner'], unique=False)
        batch_op.create_index(batch_op.f('ix_milestones_project_id'), ['project_id'], unique=False)

    op.create_table('milestone_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('old', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('new', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestones.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('milestone_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestone_changes_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_milestone_changes_milestone_id'), ['milestone_id'], unique=False)

    op.create_table('milestone_followers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestones.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('milestone_id', 'user_id', name='uq_milestone_follower')
    )
    with op.batch_alter_table('milestone_followers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestone_followers_milestone_id'), ['milestone_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_milestone_followers_user_id'), ['user_id'], unique=False)

    op.create_table('milestone_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('raid_item_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestones.id'], ),
    sa.ForeignKeyConstraint(['raid_item_id'], ['raid_items.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('milestone_id', 'raid_item_id', name='uq_milestone_link')
    )
    with op.batch_alter_table('milestone_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestone_links_milestone_id'), ['milestone_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_milestone_links_raid_item_id'), ['raid_item_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('milestone_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestone_links_raid_item_id'))
        batch_op.drop_index(batch_op.f('ix_milestone_links_milestone_id'))

    op.drop_table('milestone_links')
    with op.batch_alter_table('milestone_followers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestone_followers_user_id'))
        batch_op.drop_index(batch_op.f('ix_milestone_followers_milestone_id'))

    op.drop_table('milestone_followers')
    with op.batch_alter_table('milestone_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestone_changes_milestone_id'))
        batch_op.drop_index(batch_op.f('ix_milestone_changes_at'))

    op.drop_table('milestone_changes')
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestones_project_id'))
        batch_op.drop_index(batch_op.f('ix_milestones_owner'))
        batch_op.drop_index(batch_op.f('ix_milestones_key'))
        batch_op.drop_index(batch_op.f('ix_milestones_forecast_on'))
        batch_op.drop_index(batch_op.f('ix_milestones_deleted'))

    op.drop_table('milestones')
    op.drop_table('milestone_settings')
    op.drop_table('cost_plans')
    with op.batch_alter_table('cost_figures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cost_figures_project_id'))

    op.drop_table('cost_figures')
    op.drop_table('hub_homes')
