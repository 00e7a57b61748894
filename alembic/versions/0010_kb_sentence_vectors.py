"""kb sentence vectors: each chunk's sentence embeddings, computed once at ingest

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-06 23:50:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0010'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('kb_chunks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sentence_vectors', sa.LargeBinary(), nullable=True))
        batch_op.add_column(
            sa.Column('vector_model', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('kb_chunks', schema=None) as batch_op:
        batch_op.drop_column('vector_model')
        batch_op.drop_column('sentence_vectors')
