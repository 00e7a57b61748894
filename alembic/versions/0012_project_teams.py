"""project_teams

Revision ID: 0012
Revises: 0006
Create Date: 2026-12-06 23:30:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0012'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('projects') as batch:
        batch.add_column(sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch.add_column(sa.Column('other_teams', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('projects') as batch:
        batch.drop_column('other_teams')
        batch.drop_column('team_id')
