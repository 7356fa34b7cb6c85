"""Indexes that serve the home page's and the note's queries whatever the order they were created in.

A therapist's unsigned notes in date order, the follow-ups booked from a visit, and clients' latest
health-history versions were read through an index of the clinic (or the clinic and therapist) alone:
every row of the clinic's history (issue 19; bench/plan_audit.py found them).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 07:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_visit_clinic_id_therapist_id_signed_at_visit_date",
        "visit",
        ["clinic_id", "therapist_id", "signed_at", "visit_date"],
    )
    op.drop_index("ix_visit_clinic_id_therapist_id_signed_at", table_name="visit")
    op.create_index(
        "ix_appointment_clinic_id_source_visit_id_start_at",
        "appointment",
        ["clinic_id", "source_visit_id", "start_at"],
    )
    op.create_index(
        "ix_health_record_clinic_id_client_id_number", "health_record", ["clinic_id", "client_id", "number"]
    )
    op.drop_index("ix_health_record_clinic_id", table_name="health_record")


def downgrade():
    op.create_index("ix_health_record_clinic_id", "health_record", ["clinic_id"])
    op.drop_index("ix_health_record_clinic_id_client_id_number", table_name="health_record")
    op.drop_index("ix_appointment_clinic_id_source_visit_id_start_at", table_name="appointment")
    op.create_index(
        "ix_visit_clinic_id_therapist_id_signed_at", "visit", ["clinic_id", "therapist_id", "signed_at"]
    )
    op.drop_index("ix_visit_clinic_id_therapist_id_signed_at_visit_date", table_name="visit")
