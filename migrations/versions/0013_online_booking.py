"""Online booking requests (clinic.models.booking).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 01:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'booking_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('clinic_id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('therapist_id', sa.Integer(), nullable=False),
        sa.Column('start_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('first_name', sa.String(length=80), nullable=False),
        sa.Column('last_name', sa.String(length=80), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('phone', sa.String(length=40), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('outcome', sa.String(length=12), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('appointment_id', sa.Integer(), nullable=True),
        sa.Column('client_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['appointment_id'], ['appointment.id'], name=op.f('fk_booking_request_appointment_id_appointment')
        ),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_booking_request_client_id_client')),
        sa.ForeignKeyConstraint(['clinic_id'], ['clinic.id'], name=op.f('fk_booking_request_clinic_id_clinic')),
        sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_booking_request_service_id_service')),
        sa.ForeignKeyConstraint(
            ['therapist_id'], ['user_account.id'], name=op.f('fk_booking_request_therapist_id_user_account')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_request')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_booking_request_token_hash')),
    )
    op.create_index(
        'ix_booking_request_clinic_id_email_created_at', 'booking_request', ['clinic_id', 'email', 'created_at']
    )
    op.create_index('ix_booking_request_appointment_id', 'booking_request', ['appointment_id'])


def downgrade():
    op.drop_index('ix_booking_request_appointment_id', table_name='booking_request')
    op.drop_index('ix_booking_request_clinic_id_email_created_at', table_name='booking_request')
    op.drop_table('booking_request')
