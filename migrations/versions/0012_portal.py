"""The client portal: sign-in links, portal sessions, and each clinic's portal address.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 02:00:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("clinic", sa.Column("public_slug", sa.String(length=24), nullable=True))
    clinic = sa.table("clinic", sa.column("id", sa.Integer), sa.column("public_slug", sa.String))
    connection = op.get_bind()
    for (clinic_id,) in connection.execute(sa.select(clinic.c.id)).all():
        connection.execute(
            clinic.update().where(clinic.c.id == clinic_id).values(public_slug=secrets.token_urlsafe(12))
        )
    op.create_index("ix_clinic_public_slug", "clinic", ["public_slug"], unique=True)
    op.create_table(
        "portal_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["client.id"], name=op.f("fk_portal_link_client_id_client")),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinic.id"], name=op.f("fk_portal_link_clinic_id_clinic")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_portal_link_token_hash")),
    )
    op.create_index("ix_portal_link_client_id", "portal_link", ["client_id"])
    op.create_table(
        "portal_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_portal_session_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_portal_session_clinic_id_clinic")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_session")),
        sa.UniqueConstraint("key", name=op.f("uq_portal_session_key")),
    )
    op.create_index("ix_portal_session_client_id", "portal_session", ["client_id"])


def downgrade():
    op.drop_index("ix_portal_session_client_id", table_name="portal_session")
    op.drop_table("portal_session")
    op.drop_index("ix_portal_link_client_id", table_name="portal_link")
    op.drop_table("portal_link")
    op.drop_index("ix_clinic_public_slug", table_name="clinic")
    with op.batch_alter_table("clinic") as batch_op:
        batch_op.drop_column("public_slug")
