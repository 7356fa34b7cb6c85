"""The approvals panel's index on booking requests (clinic, outcome).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 04:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_booking_request_clinic_id_outcome', 'booking_request', ['clinic_id', 'outcome'])


def downgrade():
    op.drop_index('ix_booking_request_clinic_id_outcome', table_name='booking_request')
