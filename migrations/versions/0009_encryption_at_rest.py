"""Clinical free text sealed at rest: the key check, the rotation lease, and locks that let rotation
re-seal signed notes and append-only records (clinic.storage.migration_helpers, clinic.encryption).

Sealed values are text: PostgreSQL's json columns that now hold them become text (existing JSON
stays readable as plain text until `flask encryption rotate` seals it); SQLite's column types are
only affinities and stay.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 01:00:00

"""
import sqlalchemy as sa
from alembic import op

from clinic.storage.migration_helpers import (
    append_only_but_rekey,
    lock_children_but_rekey,
    lock_signed_visits_but_rekey,
    restore_append_only,
    restore_lock_children,
    restore_lock_signed_visits,
)

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# The sealed columns of the locked tables, as the models have them in this revision.
VISIT_SEALED = (
    'subjective', 'objective', 'assessment', 'plan', 'adverse_responses', 'aftercare_given', 'notes',
    'plan_items', 'overrides',
)
HEALTH_RECORD_SEALED = ('conditions', 'medications', 'allergies', 'main_complaint', 'goals', 'change_note')
ADDENDUM_SEALED = ('reason', 'text')
TRIGGER_POINT_SEALED = ('referral',)
# json (or varchar) on PostgreSQL until now
TO_TEXT = (
    ('visit', 'plan_items', sa.JSON()),
    ('visit', 'overrides', sa.JSON()),
    ('health_record', 'conditions', sa.JSON()),
    ('intake_link', 'submission', sa.JSON()),
    ('addendum', 'reason', sa.String(length=200)),
    ('trigger_point', 'referral', sa.String(length=200)),
    ('appointment', 'cancel_reason', sa.String(length=200)),
)


def upgrade():
    op.create_table(
        'encryption_key_check',
        sa.Column('key_id', sa.String(length=32), nullable=False),
        sa.Column('sealed_check', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key_id', name=op.f('pk_encryption_key_check')),
    )
    op.create_table(
        'encryption_rekey',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_encryption_rekey')),
    )
    if op.get_bind().dialect.name == 'postgresql':
        for table, column, _ in TO_TEXT:
            op.alter_column(table, column, type_=sa.Text(), postgresql_using=f'{column}::text')
    lock_signed_visits_but_rekey(op, VISIT_SEALED)
    append_only_but_rekey(op, 'health_record', HEALTH_RECORD_SEALED)
    append_only_but_rekey(op, 'addendum', ADDENDUM_SEALED)
    lock_children_but_rekey(op, 'trigger_point', TRIGGER_POINT_SEALED)


def downgrade():
    restore_lock_children(op, 'trigger_point')
    restore_append_only(op, 'addendum')
    restore_append_only(op, 'health_record')
    restore_lock_signed_visits(op)
    if op.get_bind().dialect.name == 'postgresql':
        for table, column, type_ in TO_TEXT:
            using = f'{column}::json' if isinstance(type_, sa.JSON) else None
            op.alter_column(table, column, type_=type_, postgresql_using=using)
    op.drop_table('encryption_rekey')
    op.drop_table('encryption_key_check')
