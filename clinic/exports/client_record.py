"""One client's whole record, for their access request: the same records as the clinic export's JSON,
gathered for one client (and shown as a PDF by record_pdf.py)."""

from typing import Any

from sqlalchemy import select

from ..clock import utcnow
from ..extensions import db
from .entities import BY_NAME, SCHEMA_VERSION, client_select, first, scoped_select, stream
from .notes import notes_of, staff_names

# The client's rows of these entities, besides the client row itself and the visits.
PER_CLIENT = (
    "health_records",
    "appointments",
    "messages",
    "message_consents",
    "check_ins",
    "intake_links",
    "booking_requests",
)


def client_record(clinic_id: int, client_id: int) -> dict[str, Any]:
    """Every record of one client of one clinic (the caller has checked the client is the clinic's)."""
    clinic = first(scoped_select(BY_NAME["clinic"], clinic_id))
    clinic.pop("logo_png", None)  # the clinic's picture is not the client's data
    client = first(client_select(BY_NAME["clients"], clinic_id, client_id))
    names = staff_names(clinic_id)
    record: dict[str, Any] = {
        "format": "knotwork-client-record",
        "schema_version": SCHEMA_VERSION,
        "generated_at": utcnow().isoformat(),
        "clinic": {k: clinic[k] for k in ("id", "name", "address", "phone", "email", "timezone")},
        "client": client,
    }
    for name in PER_CLIENT:
        record[name] = list(stream(client_select(BY_NAME[name], clinic_id, client_id)))
    services = db.metadata.tables["service"]
    rows = db.session.execute(select(services.c.id, services.c.name).where(services.c.clinic_id == clinic_id))
    service_names = {service_id: name for service_id, name in rows}
    record["appointments"].sort(key=lambda a: (a["start_at"], a["id"]))  # ISO instants in UTC: sortable
    for appointment in record["appointments"]:
        appointment["service_name"] = service_names.get(appointment["service_id"], "")
        appointment["therapist_name"] = names.get(appointment["therapist_id"], "")
    record["visits"] = notes_of(clinic_id, [client_id], names, signed_only=False).get(client_id, [])
    # what is on file (name, caption, size, SHA-256); the files go to the client with the record
    record["documents"] = list(stream(client_select(BY_NAME["documents"], clinic_id, client_id)))
    return record
