"""A trigger point cannot be moved into or out of a signed visit.

The lock of 0002 looked at a point's old visit only, so `UPDATE trigger_point SET visit_id =
<signed>` slipped a draft's point into a signed note. The new lock checks the old and the new
parent of every INSERT, UPDATE and DELETE (clinic.storage.migration_helpers.lock_children_of_signed_visits,
which later child tables of a visit use too). Addenda stay append-only: adding one is how a signed
note is corrected, and changing or moving one is refused.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 21:10:00

"""
from alembic import op

from clinic.storage.migration_helpers import (
    drop_lock_children_of_signed_visits,
    drop_lock_points_by_old_parent,
    lock_children_of_signed_visits,
    lock_points_by_old_parent,
)

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    drop_lock_points_by_old_parent(op)
    lock_children_of_signed_visits(op, "trigger_point")


def downgrade():
    drop_lock_children_of_signed_visits(op, "trigger_point")
    lock_points_by_old_parent(op)
