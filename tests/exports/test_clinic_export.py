"""The whole clinic: built by the worker, downloaded once, expiring, and read back by import-clinic."""

import csv
import io
import json
import zipfile

from sqlalchemy import select

from clinic.exports import jobs
from clinic.exports.entities import ENTITIES, scoped_select, stream
from clinic.extensions import db
from clinic.messages.queue import queue_for
from clinic.models import ExportJob, Visit
from clinic.visits.signing import hash_matches
from tests.security.conftest import log_in
from tests.security.pdf_text import pdf_text
from tests.security.world import B_MARKER, audit_rows_after, last_audit_id


def _export(app, world) -> tuple[int, bytes, object]:
    """Clinic A's owner asks, the worker builds, the owner downloads: (job id, ZIP bytes, web)."""
    web = log_in(app.test_client(), world.a.emails["owner"])
    response = web.post("/exports/")
    assert response.status_code == 302
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    waiting = web.get(f"/exports/{job_id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in waiting and "Waiting for the worker" in waiting
    assert queue_for(app).run_pending() >= 1
    page = web.get(f"/exports/{job_id}").get_data(as_text=True)
    assert "Ready to download" in page and 'http-equiv="refresh"' not in page
    download = web.post(f"/exports/{job_id}/download")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "no-store" in download.headers["Cache-Control"]
    return job_id, download.get_data(), web


def _table_rows(app, clinic_id: int) -> dict[str, list[dict]]:
    with app.app_context():
        rows = {e.name: list(stream(scoped_select(e, clinic_id))) for e in ENTITIES}
        db.session.remove()
    return rows


def test_the_zip_holds_every_record_once_and_is_downloadable_once(seeded):
    app, world = seeded()
    before = last_audit_id(app)
    job_id, data, web = _export(app, world)
    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["schema_version"] == 1 and manifest["clinic_id"] == world.a.clinic
    expected = _table_rows(app, world.a.clinic)
    for entity in ENTITIES:
        records = json.loads(archive.read(f"json/{entity.name}.json"))
        assert manifest["entities"][entity.name]["rows"] == len(records)
        if entity.name != "audit_events":  # the export's own start row came after the file was written
            assert records == expected[entity.name], entity.name
    everything = b"".join(archive.read(name) for name in archive.namelist() if not name.endswith(".pdf"))
    assert B_MARKER.encode() not in everything  # nothing of the other clinic
    assert b"password_hash" not in everything and b"token_hash" not in everything
    # sealed fields are readable in the export, the signed notes' PDF has their hashes
    visits = json.loads(archive.read("json/visits.json"))
    signed = [v for v in visits if v["signed_at"]]
    assert signed and all(v["subjective"] for v in signed)
    pdf = pdf_text(archive.read(f"notes/client-{world.a.client}.pdf")).replace(" ", "")
    assert all(v["content_hash"] in pdf for v in signed if v["client_id"] == world.a.client)
    # spreadsheet cells never start a formula
    clients = list(csv.reader(io.StringIO(archive.read("csv/clients.csv").decode("utf-8-sig"))))
    assert (
        clients[0][:3] == ["id", "first_name", "last_name"] and len(clients) == len(expected["clients"]) + 1
    )
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in clients for cell in row)
    # once only: the file is gone, a second try says so
    again = web.post(f"/exports/{job_id}/download", follow_redirects=True)
    assert "downloaded already" in again.get_data(as_text=True)
    with app.app_context():
        assert not any(jobs.export_dir().iterdir())
        db.session.remove()
    actions = [r["action"] for r in audit_rows_after(app, before) if r["action"].startswith("export.")]
    assert actions == ["export.start", "export.download"]


def test_an_export_expires_unread_and_its_file_is_deleted(seeded, clock):
    app, world = seeded(EXPORT_EXPIRY_HOURS=2)
    web = log_in(app.test_client(), world.a.emails["owner"])
    job_id = int(web.post("/exports/").headers["Location"].rstrip("/").rsplit("/", 1)[1])
    queue_for(app).run_pending()
    clock.advance(hours=2, minutes=1)
    web = log_in(app.test_client(), world.a.emails["owner"])  # the first session has timed out
    assert "Expired" in web.get(f"/exports/{job_id}").get_data(as_text=True)
    with app.app_context():
        assert len(list(jobs.export_dir().iterdir())) == 1
        assert jobs.sweep()["expired"] == 1
        assert not any(jobs.export_dir().iterdir())
        assert db.session.get(ExportJob, job_id).status == "expired"
        db.session.remove()
    refused = web.post(f"/exports/{job_id}/download", follow_redirects=True)
    assert refused.mimetype == "text/html" and "expired" in refused.get_data(as_text=True)


def test_a_second_start_shows_the_export_in_progress(seeded):
    app, world = seeded()
    web = log_in(app.test_client(), world.a.emails["owner"])
    first = web.post("/exports/").headers["Location"]
    assert web.post("/exports/").headers["Location"] == first
    with app.app_context():
        queued = select(db.func.count()).select_from(ExportJob).where(ExportJob.status == "queued")
        assert db.session.scalar(queued) == 1
        db.session.remove()


def test_import_clinic_round_trip_keeps_every_record_and_hash(seeded, empty_app, tmp_path):
    app, world = seeded()
    _job, data, _web = _export(app, world)
    path = tmp_path / "clinic.zip"
    path.write_bytes(data)
    exported = _table_rows(app, world.a.clinic)
    result = empty_app.test_cli_runner().invoke(args=["import-clinic", str(path)])
    assert result.exit_code == 0, result.output
    assert "Every signed note's hash matches" in result.output
    imported = _table_rows(empty_app, world.a.clinic)
    for entity in ENTITIES:
        mine = imported[entity.name]
        if entity.name == "audit_events":
            mine = [r for r in mine if r["action"] != "clinic.import"]
            theirs = [r for r in exported[entity.name] if r["id"] <= max(x["id"] for x in mine)]
            assert mine == theirs
            continue
        skip = set(entity.regenerate) | set(entity.omit)
        assert [{k: v for k, v in r.items() if k not in skip} for r in mine] == exported[entity.name], (
            entity.name
        )
    with empty_app.app_context():
        signed = db.session.scalars(select(Visit).where(Visit.signed_at.is_not(None))).all()
        assert signed and all(hash_matches(v) for v in signed)
        # every document's file came along, sealed again under a key of its own, and opens
        import hashlib

        from clinic.documents.services import read
        from clinic.models import Document

        documents = db.session.scalars(select(Document)).all()
        assert {d.id for d in documents} == {world.a.document, world.a.visit_document}
        assert all(hashlib.sha256(read(d)).hexdigest() == d.sha256 for d in documents)
        # the next new row gets a fresh id (PostgreSQL's sequences were moved past the imported ids)
        assert db.session.scalar(select(db.func.max(Visit.id))) >= world.a.signed_visit
        db.session.remove()
    again = empty_app.test_cli_runner().invoke(args=["import-clinic", str(path)])
    assert again.exit_code != 0 and "already holds a clinic" in again.output


def _edited(data: bytes, path, fix_manifest: bool):
    """The export with one signed note's subjective changed (and the manifest made to agree, or not)."""
    import hashlib

    source = zipfile.ZipFile(io.BytesIO(data))
    visits = source.read("json/visits.json")
    assert b'"subjective": "' in visits
    visits = visits.replace(b'"subjective": "', b'"subjective": "edited ', 1)
    manifest = json.loads(source.read("manifest.json"))
    if fix_manifest:
        manifest["entities"]["visits"]["sha256"] = hashlib.sha256(visits).hexdigest()
    with zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            body = {"json/visits.json": visits, "manifest.json": json.dumps(manifest).encode()}.get(name)
            target.writestr(name, body if body is not None else source.read(name))
    return path


def test_a_damaged_or_edited_export_is_refused_and_writes_nothing(seeded, empty_app, tmp_path):
    app, world = seeded()
    _job, data, _web = _export(app, world)
    runner = empty_app.test_cli_runner()
    result = runner.invoke(args=["import-clinic", str(_edited(data, tmp_path / "a.zip", False))])
    assert result.exit_code != 0 and "does not match its SHA-256" in result.output
    # a note edited with the manifest made to agree: the note's own signature hash refuses it
    result = runner.invoke(args=["import-clinic", str(_edited(data, tmp_path / "b.zip", True))])
    assert result.exit_code != 0 and "do not match their hash" in result.output
    not_zip = tmp_path / "not.zip"
    not_zip.write_bytes(b"id,name\n1,x\n")
    result = runner.invoke(args=["import-clinic", str(not_zip)])
    assert result.exit_code != 0 and "not a readable ZIP" in result.output
    with empty_app.app_context():
        for entity in ENTITIES:
            assert db.session.execute(select(entity.table)).first() is None, entity.name
        db.session.remove()


def test_the_sweep_hands_back_lost_jobs_and_fails_abandoned_ones(seeded, clock):
    app, world = seeded()
    with app.app_context():
        lost = ExportJob(clinic_id=world.a.clinic, requested_by_id=world.a.owner, status="queued")
        dead = ExportJob(clinic_id=world.b.clinic, requested_by_id=world.b.owner, status="running")
        dead.started_at, dead.file_name = clock(), "export-dead.zip"
        db.session.add_all([lost, dead])
        db.session.commit()
        lost_id, dead_id = lost.id, dead.id
        partial = jobs.export_dir() / "export-dead.part"
        partial.write_bytes(b"half")
        assert jobs.sweep()["requeue_ids"] == []  # a queued job is given two minutes
        clock.advance(hours=6, minutes=1)
        done = jobs.sweep()
        assert done["requeue_ids"] == [lost_id] and done["abandoned"] == 1
        assert not partial.exists()
        assert db.session.get(ExportJob, dead_id).status == "failed"
        db.session.remove()
    queue = queue_for(app)
    queue.sweep_exports.call_local()  # the periodic task: hands the lost job to the worker
    queue.run_pending()
    with app.app_context():
        assert db.session.get(ExportJob, lost_id).status == "ready"
        db.session.remove()
