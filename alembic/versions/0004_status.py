"""status

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 05:33:22.592530
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('checkin_configs',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('participants', sa.JSON(), nullable=True),
    sa.Column('observers', sa.JSON(), nullable=False),
    sa.Column('timezones', sa.JSON(), nullable=False),
    sa.Column('days', sa.JSON(), nullable=False),
    sa.Column('time', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('window_minutes', sa.Integer(), nullable=False),
    sa.Column('reminder_count', sa.Integer(), nullable=False),
    sa.Column('reminder_before_minutes', sa.Integer(), nullable=False),
    sa.Column('destination', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('project_id')
    )
    op.create_table('checkin_holidays',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'day', name='uq_checkin_holiday')
    )
    with op.batch_alter_table('checkin_holidays', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkin_holidays_project_id'), ['project_id'], unique=False)

    op.create_table('checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'day', name='uq_checkin_day')
    )
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkins_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkins_project_id'), ['project_id'], unique=False)

    op.create_table('checkin_people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checkin_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('prompt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('window_end', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['checkin_id'], ['checkins.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('checkin_id', 'user_id', name='uq_checkin_person')
    )
    with op.batch_alter_table('checkin_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkin_people_checkin_id'), ['checkin_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkin_people_user_id'), ['user_id'], unique=False)

    op.create_table('status_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('checkin_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('done', sa.JSON(), nullable=False),
    sa.Column('next', sa.JSON(), nullable=False),
    sa.Column('blockers', sa.JSON(), nullable=False),
    sa.Column('rag', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column('percent', sa.Integer(), nullable=True),
    sa.Column('skipped', sa.Boolean(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('edits', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['checkin_id'], ['checkins.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('checkin_id', 'user_id', name='uq_status_update')
    )
    with op.batch_alter_table('status_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_updates_checkin_id'), ['checkin_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_status_updates_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_status_updates_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_status_updates_user_id'), ['user_id'], unique=False)

    op.create_table('status_blocker_issues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('blocker', sa.Integer(), nullable=False),
    sa.Column('raid_item_id', sa.Integer(), nullable=False),
    sa.Column('logged_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('logged_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['raid_item_id'], ['raid_items.id'], ),
    sa.ForeignKeyConstraint(['update_id'], ['status_updates.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('update_id', 'blocker', name='uq_blocker_issue')
    )
    with op.batch_alter_table('status_blocker_issues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_blocker_issues_raid_item_id'), ['raid_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_status_blocker_issues_update_id'), ['update_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('status_blocker_issues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_status_blocker_issues_update_id'))
        batch_op.drop_index(batch_op.f('ix_status_blocker_issues_raid_item_id'))

    op.drop_table('status_blocker_issues')
    with op.batch_alter_table('status_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_status_updates_user_id'))
        batch_op.drop_index(batch_op.f('ix_status_updates_project_id'))
        batch_op.drop_index(batch_op.f('ix_status_updates_created_at'))
        batch_op.drop_index(batch_op.f('ix_status_updates_checkin_id'))

    op.drop_table('status_updates')
    with op.batch_alter_table('checkin_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkin_people_user_id'))
        batch_op.drop_index(batch_op.f('ix_checkin_people_checkin_id'))

    op.drop_table('checkin_people')
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkins_project_id'))
        batch_op.drop_index(batch_op.f('ix_checkins_day'))

    op.drop_table('checkins')
    with op.batch_alter_table('checkin_holidays', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkin_holidays_project_id'))

    op.drop_table('checkin_holidays')
    op.drop_table('checkin_configs')
