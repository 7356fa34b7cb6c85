"""Whole-clinic exports: the job row the owner's progress page and the one download read.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 03:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "export_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=80), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("downloaded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("downloaded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'ready', 'downloaded', 'expired', 'failed')",
            name=op.f("ck_export_job_status_known"),
        ),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinic.id"], name=op.f("fk_export_job_clinic_id_clinic")),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["user_account.id"], name=op.f("fk_export_job_requested_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["downloaded_by_id"],
            ["user_account.id"],
            name=op.f("fk_export_job_downloaded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_job")),
    )
    op.create_index("ix_export_job_status_expires_at", "export_job", ["status", "expires_at"])
    op.create_index("ix_export_job_clinic_id_id", "export_job", ["clinic_id", "id"])


def downgrade():
    op.drop_index("ix_export_job_clinic_id_id", table_name="export_job")
    op.drop_index("ix_export_job_status_expires_at", table_name="export_job")
    op.drop_table("export_job")
