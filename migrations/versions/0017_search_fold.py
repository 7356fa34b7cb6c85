"""Client search keys folded: accents and case no longer matter ("sian" finds Siân, "zoe" finds Zoë).

The keys were lower-cased only. Existing clients get keys by the rule of clinic/rules/search.py, in
batches by id, written only where they change. The indexes stay as they are (the keys keep their
lengths and stay prefix-searchable). Downgrade puts back the lower-cased keys.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 04:00:00

"""

import sqlalchemy as sa
from alembic import op

from clinic.rules.search import fold

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

BATCH = 2000
client = sa.table(
    "client",
    sa.column("id", sa.Integer),
    sa.column("first_name", sa.String),
    sa.column("last_name", sa.String),
    sa.column("name_key", sa.String),
    sa.column("last_key", sa.String),
)


def _recompute(rule) -> None:
    connection = op.get_bind()
    after = 0
    while True:
        rows = connection.execute(
            sa.select(
                client.c.id, client.c.first_name, client.c.last_name, client.c.name_key, client.c.last_key
            )
            .where(client.c.id > after)
            .order_by(client.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        changed = []
        for id_, first, last, name_key, last_key in rows:
            keys = {
                "name_key": rule(f"{first or ''} {last or ''}".strip())[:170],
                "last_key": rule((last or "").strip())[:80],
            }
            if (keys["name_key"], keys["last_key"]) != (name_key, last_key):
                changed.append({"row_id": id_, **keys})
        if changed:
            connection.execute(
                client.update()
                .where(client.c.id == sa.bindparam("row_id"))
                .values(name_key=sa.bindparam("name_key"), last_key=sa.bindparam("last_key")),
                changed,
            )
        after = rows[-1][0]


def upgrade():
    _recompute(fold)


def downgrade():
    _recompute(str.lower)
