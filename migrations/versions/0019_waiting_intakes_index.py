"""The home pages' questionnaires to review: intake links by (clinic, status, submitted).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 04:10:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_intake_link_clinic_id_status_submitted_at', 'intake_link', ['clinic_id', 'status', 'submitted_at']
    )


def downgrade():
    op.drop_index('ix_intake_link_clinic_id_status_submitted_at', table_name='intake_link')
