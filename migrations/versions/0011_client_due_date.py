"""Each client's current due date, indexed, for the recall list; an index for a client's next appointments.

The recall list found every client's latest visit with a next-due date, sorted them all and kept 101
(18.7 / 82.5 / 454 ms at 2,000 / 20,000 / 100,000 clients, issue 19). The date now sits on the client
(kept by clinic/visits/due.py) and the list reads a range of (clinic_id, due_on). Existing clients are
filled in here by the rule of clinic/rules/recall.py: the next-due date of the latest visit (by date,
then id) that has one. Columns and indexes are added outside a batch so SQLite keeps its tables (and
their triggers).

The client page's next appointments (clinic_id, client_id, end_at > now) had two indexes that each
served half of it, and SQLite took whichever was created first; (clinic_id, client_id, end_at)
serves all of it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 00:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('client', sa.Column('due_on', sa.Date(), nullable=True))
    op.add_column('client', sa.Column('due_visit_id', sa.Integer(), nullable=True))
    op.execute(
        """
        UPDATE client SET due_visit_id = (
            SELECT visit.id FROM visit
            WHERE visit.client_id = client.id AND visit.next_due IS NOT NULL
            ORDER BY visit.visit_date DESC, visit.id DESC
            LIMIT 1
        )
        """
    )
    op.execute("UPDATE client SET due_on = (SELECT visit.next_due FROM visit WHERE visit.id = client.due_visit_id)")
    op.create_index('ix_client_clinic_id_due_on', 'client', ['clinic_id', 'due_on'])
    op.create_index(
        'ix_appointment_clinic_id_client_id_end_at', 'appointment', ['clinic_id', 'client_id', 'end_at']
    )


def downgrade():
    op.drop_index('ix_appointment_clinic_id_client_id_end_at', table_name='appointment')
    op.drop_index('ix_client_clinic_id_due_on', table_name='client')
    op.drop_column('client', 'due_visit_id')
    op.drop_column('client', 'due_on')
