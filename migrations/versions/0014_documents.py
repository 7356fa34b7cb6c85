"""Documents on the record (clinic.models.document): never deleted, locked with a signed visit.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 04:00:00

"""
import sqlalchemy as sa
from alembic import op

from clinic.storage.migration_helpers import (
    drop_lock_documents_of_signed_visits,
    drop_never_delete,
    lock_documents_of_signed_visits,
    never_delete,
)

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

DOCUMENT_SEALED = ('file_key', 'filename', 'caption')


def upgrade():
    op.create_table(
        'document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('clinic_id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('uploaded_kind', sa.String(length=8), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('storage_key', sa.String(length=64), nullable=False),
        sa.Column('file_key', sa.Text(), nullable=False),
        sa.Column('filename', sa.Text(), nullable=False),
        sa.Column('caption', sa.Text(), nullable=False),
        sa.Column('supersedes_id', sa.Integer(), nullable=True),
        sa.Column('added_after_signing', sa.Boolean(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('removed_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_document_client_id_client')),
        sa.ForeignKeyConstraint(['clinic_id'], ['clinic.id'], name=op.f('fk_document_clinic_id_clinic')),
        sa.ForeignKeyConstraint(
            ['removed_by_id'], ['user_account.id'], name=op.f('fk_document_removed_by_id_user_account')
        ),
        sa.ForeignKeyConstraint(
            ['supersedes_id'], ['document.id'], name=op.f('fk_document_supersedes_id_document')
        ),
        sa.ForeignKeyConstraint(
            ['uploaded_by_id'], ['user_account.id'], name=op.f('fk_document_uploaded_by_id_user_account')
        ),
        sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_document_visit_id_visit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
        sa.UniqueConstraint('storage_key', name=op.f('uq_document_storage_key')),
        sa.UniqueConstraint('supersedes_id', name=op.f('uq_document_supersedes_id')),
    )
    op.create_index('ix_document_client_id_created_at', 'document', ['client_id', 'created_at'])
    op.create_index(op.f('ix_document_clinic_id'), 'document', ['clinic_id'])
    op.create_index(op.f('ix_document_visit_id'), 'document', ['visit_id'])
    never_delete(op, 'document', 'documents are removed by marking them, never deleted')
    lock_documents_of_signed_visits(op, DOCUMENT_SEALED)


def downgrade():
    drop_lock_documents_of_signed_visits(op)
    drop_never_delete(op, 'document')
    op.drop_index(op.f('ix_document_visit_id'), table_name='document')
    op.drop_index(op.f('ix_document_clinic_id'), table_name='document')
    op.drop_index('ix_document_client_id_created_at', table_name='document')
    op.drop_table('document')
