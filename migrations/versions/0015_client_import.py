"""Client import uploads (clinic.models.client_import).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 03:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'client_import',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('clinic_id', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('csv_text', sa.Text(), nullable=False),
        sa.Column('encoding', sa.String(length=16), nullable=False),
        sa.Column('row_count', sa.Integer(), nullable=False),
        sa.Column('preset', sa.String(length=16), nullable=False),
        sa.Column('date_order', sa.String(length=4), nullable=False),
        sa.Column('mapping', sa.JSON(), nullable=False),
        sa.Column('decisions', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('created_count', sa.Integer(), nullable=False),
        sa.Column('updated_count', sa.Integer(), nullable=False),
        sa.Column('skipped_count', sa.Integer(), nullable=False),
        sa.Column('failure', sa.String(length=300), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['clinic_id'], ['clinic.id'], name=op.f('fk_client_import_clinic_id_clinic')),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['user_account.id'], name=op.f('fk_client_import_created_by_id_user_account')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_client_import')),
    )
    op.create_index('ix_client_import_clinic_id_created_by_id', 'client_import', ['clinic_id', 'created_by_id'])


def downgrade():
    op.drop_index('ix_client_import_clinic_id_created_by_id', table_name='client_import')
    op.drop_table('client_import')
