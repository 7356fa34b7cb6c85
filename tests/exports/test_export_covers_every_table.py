"""Every table is either in the clinic export or left out on purpose (docs/export.md says why): a new
table cannot be forgotten by the export and the round trip unnoticed."""

from clinic.exports.entities import ENTITIES, NOT_EXPORTED
from clinic.extensions import db


def test_every_table_is_exported_or_left_out_on_purpose(app):
    with app.app_context():
        tables = set(db.metadata.tables)
    exported = {entity.table_name for entity in ENTITIES}
    assert not exported & set(NOT_EXPORTED)
    assert tables - exported - set(NOT_EXPORTED) == set()
