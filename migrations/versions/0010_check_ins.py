"""The check-in after a session (clinic.models.checkin; answers sealed at rest).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 01:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'check_in',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('clinic_id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('answers', sa.Text(), nullable=True),
        sa.Column('level', sa.String(length=12), nullable=True),
        sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('handled_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_check_in_client_id_client')),
        sa.ForeignKeyConstraint(['clinic_id'], ['clinic.id'], name=op.f('fk_check_in_clinic_id_clinic')),
        sa.ForeignKeyConstraint(
            ['handled_by_id'], ['user_account.id'], name=op.f('fk_check_in_handled_by_id_user_account')
        ),
        sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_check_in_visit_id_visit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_check_in_token_hash')),
        sa.UniqueConstraint('visit_id', name=op.f('uq_check_in_visit_id')),
    )
    op.create_index('ix_check_in_client_id', 'check_in', ['client_id'])
    op.create_index('ix_check_in_clinic_id_handled_at_level', 'check_in', ['clinic_id', 'handled_at', 'level'])


def downgrade():
    op.drop_index('ix_check_in_clinic_id_handled_at_level', table_name='check_in')
    op.drop_index('ix_check_in_client_id', table_name='check_in')
    op.drop_table('check_in')
