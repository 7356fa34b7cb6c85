"""Clinical records: clients, health history, visits, schedule, aftercare wording.

Triggers: health history and addenda are append-only; clients and visits are never deleted; a
signed visit and its trigger points are locked; a therapist's active appointments never overlap.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 01:00:20.599463

"""
import sqlalchemy as sa
from alembic import op

from clinic.storage.migration_helpers import (
    append_only,
    drop_append_only,
    drop_forbid_double_booking,
    drop_lock_signed_visits,
    drop_never_delete,
    forbid_double_booking,
    lock_signed_visits,
    never_delete,
)


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('client',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=80), nullable=False),
    sa.Column('last_name', sa.String(length=80), nullable=False),
    sa.Column('preferred_name', sa.String(length=80), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('phone_digits', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('emergency_contact', sa.String(length=200), nullable=False),
    sa.Column('referral_source', sa.String(length=120), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('name_key', sa.String(length=170), nullable=False),
    sa.Column('last_key', sa.String(length=80), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinic.id'], name=op.f('fk_client_clinic_id_clinic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client'))
    )
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_clinic_id'), ['clinic_id'], unique=False)
        batch_op.create_index('ix_client_clinic_id_last_key', ['clinic_id', 'last_key'], unique=False, postgresql_ops={'last_key': 'text_pattern_ops'})
        batch_op.create_index('ix_client_clinic_id_name_key', ['clinic_id', 'name_key'], unique=False, postgresql_ops={'name_key': 'text_pattern_ops'})

    op.create_table('service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('duration_minutes > 0 AND duration_minutes <= 480', name=op.f('ck_service_duration_sane')),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinic.id'], name=op.f('fk_service_clinic_id_clinic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service'))
    )
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_clinic_id'), ['clinic_id'], unique=False)

    op.create_table('aftercare_wording',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinic.id'], name=op.f('fk_aftercare_wording_clinic_id_clinic')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_aftercare_wording_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aftercare_wording')),
    sa.UniqueConstraint('clinic_id', 'number', name='uq_aftercare_wording_clinic_id_number')
    )
    with op.batch_alter_table('aftercare_wording', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aftercare_wording_clinic_id'), ['clinic_id'], unique=False)

    op.create_table('appointment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('therapist_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('start_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('cancel_reason', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('source_visit_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('booked', 'arrived', 'completed', 'cancelled', 'no_show')", name=op.f('ck_appointment_status_known')),
    sa.CheckConstraint('start_at < end_at', name=op.f('ck_appointment_start_before_end')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_appointment_client_id_client')),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinic.id'], name=op.f('fk_appointment_clinic_id_clinic')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_appointment_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_appointment_service_id_service')),
    sa.ForeignKeyConstraint(['therapist_id'], ['user_account.id'], name=op.f('fk_appointment_therapist_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment'))
    )
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.create_index('ix_appointment_client_id_start_at', ['client_id', 'start_at'], unique=False)
        batch_op.create_index('ix_appointment_clinic_id_start_at', ['clinic_id', 'start_at'], unique=False)
        batch_op.create_index('ix_appointment_therapist_id_start_at', ['therapist_id', 'start_at'], unique=False)

    op.create_table('calendar_feed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinic.id'], name=op.f('fk_calendar_feed_clinic_id_clinic')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_calendar_feed_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feed')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feed_token_hash'))
    )
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_feed_clinic_id'), ['clinic_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calendar_feed_user_id'), ['user_id'], unique=False)

    op.create_table('health_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('conditions', sa.JSON(), nullable=False),
    sa.Column('medications', sa.Text(), nullable=False),
    sa.Column('anticoagulant', sa.Boolean(), nullable=False),
    sa.Column('allergies', sa.Text(), nullable=False),
    sa.Column('pain_areas', sa.JSON(), nullable=False),
    sa.Column('main_complaint', sa.Text(), nullable=False),
    sa.Column('onset_date', sa.Date(), nullable=True),
    sa.Column('goals', sa.Text(), nullable=False),
    sa.Column('consent_name', sa.String(length=160), nullable=False),
    sa.Column('consent_date', sa.Date(), nullable=True),
    sa.Column('guardian_name', sa.String(length=160), nullable=False),
    sa.Column('guardian_consent', sa.Boolean(), nullable=False),
    sa.Column('change_note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_health_record_client_id_client')),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinic.id'], name=op.f('fk_health_record_clinic_id_clinic')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_health_record_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_record')),
    sa.UniqueConstraint('client_id', 'number', name='uq_health_record_client_id_number')
    )
    with op.batch_alter_table('health_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_health_record_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_health_record_clinic_id'), ['clinic_id'], unique=False)

    op.create_table('policy_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('overrides', sa.JSON(), nullable=False),
    sa.Column('rule_id', sa.String(length=64), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinic.id'], name=op.f('fk_policy_version_clinic_id_clinic')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_policy_version_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_version')),
    sa.UniqueConstraint('clinic_id', 'number', name='uq_policy_version_clinic_id_number')
    )
    with op.batch_alter_table('policy_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_version_clinic_id'), ['clinic_id'], unique=False)

    op.create_table('working_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.CheckConstraint('start_time < end_time', name=op.f('ck_working_hours_start_before_end')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_working_hours_weekday_range')),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinic.id'], name=op.f('fk_working_hours_clinic_id_clinic')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_working_hours_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_working_hours'))
    )
    with op.batch_alter_table('working_hours', schema=None) as batch_op:
        batch_op.create_index('ix_working_hours_clinic_id_user_id', ['clinic_id', 'user_id'], unique=False)

    op.create_table('intake_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submission', sa.JSON(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('health_record_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_intake_link_client_id_client')),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinic.id'], name=op.f('fk_intake_link_clinic_id_clinic')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_intake_link_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['health_record_id'], ['health_record.id'], name=op.f('fk_intake_link_health_record_id_health_record')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user_account.id'], name=op.f('fk_intake_link_reviewed_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_intake_link_token_hash'))
    )
    with op.batch_alter_table('intake_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intake_link_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_intake_link_clinic_id'), ['clinic_id'], unique=False)

    op.create_table('visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('therapist_id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('health_record_id', sa.Integer(), nullable=True),
    sa.Column('visit_date', sa.Date(), nullable=False),
    sa.Column('plan_items', sa.JSON(), nullable=False),
    sa.Column('screening', sa.JSON(), nullable=True),
    sa.Column('rules_version', sa.String(length=40), nullable=False),
    sa.Column('overrides', sa.JSON(), nullable=False),
    sa.Column('withheld', sa.JSON(), nullable=False),
    sa.Column('subjective', sa.Text(), nullable=False),
    sa.Column('objective', sa.Text(), nullable=False),
    sa.Column('assessment', sa.Text(), nullable=False),
    sa.Column('plan', sa.Text(), nullable=False),
    sa.Column('pain_before', sa.Integer(), nullable=True),
    sa.Column('pain_after', sa.Integer(), nullable=True),
    sa.Column('adverse_responses', sa.Text(), nullable=False),
    sa.Column('lubricant', sa.String(length=120), nullable=False),
    sa.Column('aftercare_given', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('frequency', sa.JSON(), nullable=True),
    sa.Column('next_due', sa.Date(), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('signed_by_id', sa.Integer(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointment.id'], name=op.f('fk_visit_appointment_id_appointment')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_visit_client_id_client')),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinic.id'], name=op.f('fk_visit_clinic_id_clinic')),
    sa.ForeignKeyConstraint(['health_record_id'], ['health_record.id'], name=op.f('fk_visit_health_record_id_health_record')),
    sa.ForeignKeyConstraint(['signed_by_id'], ['user_account.id'], name=op.f('fk_visit_signed_by_id_user_account')),
    sa.ForeignKeyConstraint(['therapist_id'], ['user_account.id'], name=op.f('fk_visit_therapist_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit'))
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_index('ix_visit_client_id_visit_date', ['client_id', 'visit_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_clinic_id'), ['clinic_id'], unique=False)
        batch_op.create_index('ix_visit_clinic_id_therapist_id_signed_at', ['clinic_id', 'therapist_id', 'signed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_next_due'), ['next_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_therapist_id'), ['therapist_id'], unique=False)

    op.create_table('addendum',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_addendum_author_id_user_account')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_addendum_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_addendum'))
    )
    with op.batch_alter_table('addendum', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_addendum_visit_id'), ['visit_id'], unique=False)

    op.create_table('trigger_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('muscle', sa.String(length=40), nullable=False),
    sa.Column('side', sa.String(length=8), nullable=False),
    sa.Column('region', sa.String(length=24), nullable=False),
    sa.Column('view', sa.String(length=8), nullable=True),
    sa.Column('x', sa.Float(), nullable=True),
    sa.Column('y', sa.Float(), nullable=True),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('taut_band', sa.Boolean(), nullable=False),
    sa.Column('twitch', sa.Boolean(), nullable=False),
    sa.Column('referral', sa.String(length=200), nullable=False),
    sa.Column('technique', sa.String(length=24), nullable=False),
    sa.Column('tool_detail', sa.String(length=120), nullable=False),
    sa.Column('pressure', sa.Integer(), nullable=True),
    sa.Column('pressure_scale', sa.String(length=8), nullable=False),
    sa.Column('hold_seconds', sa.Integer(), nullable=True),
    sa.Column('repetitions', sa.Integer(), nullable=True),
    sa.Column('pain_before', sa.Integer(), nullable=True),
    sa.Column('pain_after', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_trigger_point_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trigger_point'))
    )
    with op.batch_alter_table('trigger_point', schema=None) as batch_op:
        batch_op.create_index('ix_trigger_point_visit_id_number', ['visit_id', 'number'], unique=False)

    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('logo_png', sa.LargeBinary(), nullable=True))

    # appointment and visit point at each other: the appointment's key is added once both exist
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.create_foreign_key(
            op.f('fk_appointment_source_visit_id_visit'), 'visit', ['source_visit_id'], ['id']
        )

    append_only(op, "health_record")
    append_only(op, "addendum")
    never_delete(op, "client", "clients are archived, never deleted")
    never_delete(op, "visit", "visits are never deleted")
    lock_signed_visits(op)
    forbid_double_booking(op)


def downgrade():
    drop_forbid_double_booking(op)
    drop_lock_signed_visits(op)
    drop_never_delete(op, "visit")
    drop_never_delete(op, "client")
    drop_append_only(op, "addendum")
    drop_append_only(op, "health_record")
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_appointment_source_visit_id_visit'), type_='foreignkey')

    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.drop_column('logo_png')

    with op.batch_alter_table('trigger_point', schema=None) as batch_op:
        batch_op.drop_index('ix_trigger_point_visit_id_number')

    op.drop_table('trigger_point')
    with op.batch_alter_table('addendum', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_addendum_visit_id'))

    op.drop_table('addendum')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_therapist_id'))
        batch_op.drop_index(batch_op.f('ix_visit_next_due'))
        batch_op.drop_index('ix_visit_clinic_id_therapist_id_signed_at')
        batch_op.drop_index(batch_op.f('ix_visit_clinic_id'))
        batch_op.drop_index('ix_visit_client_id_visit_date')
        batch_op.drop_index(batch_op.f('ix_visit_appointment_id'))

    op.drop_table('visit')
    with op.batch_alter_table('intake_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intake_link_clinic_id'))
        batch_op.drop_index(batch_op.f('ix_intake_link_client_id'))

    op.drop_table('intake_link')
    with op.batch_alter_table('working_hours', schema=None) as batch_op:
        batch_op.drop_index('ix_working_hours_clinic_id_user_id')

    op.drop_table('working_hours')
    with op.batch_alter_table('policy_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_version_clinic_id'))

    op.drop_table('policy_version')
    with op.batch_alter_table('health_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_health_record_clinic_id'))
        batch_op.drop_index(batch_op.f('ix_health_record_client_id'))

    op.drop_table('health_record')
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_feed_user_id'))
        batch_op.drop_index(batch_op.f('ix_calendar_feed_clinic_id'))

    op.drop_table('calendar_feed')
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index('ix_appointment_therapist_id_start_at')
        batch_op.drop_index('ix_appointment_clinic_id_start_at')
        batch_op.drop_index('ix_appointment_client_id_start_at')

    op.drop_table('appointment')
    with op.batch_alter_table('aftercare_wording', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aftercare_wording_clinic_id'))

    op.drop_table('aftercare_wording')
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_clinic_id'))

    op.drop_table('service')
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_index('ix_client_clinic_id_name_key', postgresql_ops={'name_key': 'text_pattern_ops'})
        batch_op.drop_index('ix_client_clinic_id_last_key', postgresql_ops={'last_key': 'text_pattern_ops'})
        batch_op.drop_index(batch_op.f('ix_client_clinic_id'))

    op.drop_table('client')
