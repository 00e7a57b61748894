"""versions: a version column on the records several people edit; stale scores repaired

Concurrent edits could store a score from a stale read (P1 x I5 saved as 25, critical);
every score and band is recomputed from P and I (the bands of skills/raid/scoring.py).

Revision ID: 0009
Revises: 0012
Create Date: 2026-11-23 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0012'
branch_labels = None
depends_on = None

TABLES = ('raid_items', 'checkin_configs', 'status_updates')
SCORE = 'probability * impact'


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    op.execute(
        f"UPDATE raid_items SET score = {SCORE}, severity = CASE WHEN {SCORE} <= 4 THEN 'low' "
        f"WHEN {SCORE} <= 9 THEN 'medium' WHEN {SCORE} <= 16 THEN 'high' ELSE 'critical' END "
        "WHERE probability IS NOT NULL AND impact IS NOT NULL"
    )
    op.execute(
        "UPDATE raid_items SET score = NULL, severity = NULL "
        "WHERE probability IS NULL OR impact IS NULL"
    )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column('version')
