"""scheduler

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 04:48:47.659120
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('absences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('absences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_absences_user_id'), ['user_id'], unique=False)

    op.create_table('person_prefs',
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('quiet_start', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('quiet_end', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('weekends_off', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_table('project_schedules',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('summary_enabled', sa.Boolean(), nullable=False),
    sa.Column('summary_weekday', sa.Integer(), nullable=False),
    sa.Column('summary_time', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('nudges_enabled', sa.Boolean(), nullable=False),
    sa.Column('nudge_time', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('stale_days', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('project_id')
    )
    op.create_table('schedule_firings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('due', sa.DateTime(timezone=True), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('job_key', 'due', name='uq_firing')
    )
    with op.batch_alter_table('schedule_firings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_schedule_firings_job_key'), ['job_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_schedule_firings_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_schedule_firings_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('schedule_firings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_schedule_firings_status'))
        batch_op.drop_index(batch_op.f('ix_schedule_firings_project_id'))
        batch_op.drop_index(batch_op.f('ix_schedule_firings_job_key'))

    op.drop_table('schedule_firings')
    op.drop_table('project_schedules')
    op.drop_table('person_prefs')
    with op.batch_alter_table('absences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_absences_user_id'))

    op.drop_table('absences')
