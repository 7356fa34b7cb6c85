"""Documents on the record: uploads checked from their content, files encrypted, served as attachments."""

import io
import re
import zipfile

import pytest
from PIL import Image
from reportlab.pdfgen import canvas
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from clinic.extensions import db
from clinic.models import AuditEvent, Document, Visit
from tests.conftest import table_counts
from tests.factories import create_client_with_history


def a_pdf(words: str = "GP clearance letter") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(300, 300))
    page.drawString(20, 150, words)
    page.save()
    return buffer.getvalue()


def a_photo(fmt: str = "JPEG", size=(64, 48), gps: bool = True) -> bytes:
    image = Image.new("RGB", size, (200, 120, 90))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    if gps:
        exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS IFD
    buffer = io.BytesIO()
    image.save(buffer, fmt, exif=exif)
    return buffer.getvalue()


def a_png(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGBA", size, (10, 20, 30, 255))
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "taken at home")
    image.save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


@pytest.fixture
def client_id(app, clinic_id, therapist):
    return create_client_with_history(app, clinic_id, therapist)


def upload(web, url, data: bytes, name: str, caption: str = "GP letter"):
    return web.post(url, data={"file": (io.BytesIO(data), name), "caption": caption})


def stored_files(app) -> list:
    root = app.config["DOCUMENT_PATH"]
    import pathlib

    return sorted(p for p in pathlib.Path(root).rglob("*") if p.is_file())


def documents(app) -> list[Document]:
    with app.app_context():
        rows = list(db.session.scalars(select(Document).order_by(Document.id)))
        db.session.expunge_all()
        return rows


def test_a_pdf_uploaded_to_a_client_is_sealed_stored_encrypted_and_served_as_an_attachment(
    app, web, login_as, therapist, client_id
):
    login_as(therapist)
    pdf = a_pdf()
    response = upload(web, f"/clients/{client_id}/documents", pdf, "Clearance Dr Hale.pdf")
    assert response.status_code == 302
    (document,) = documents(app)
    assert (document.kind, document.size, document.visit_id) == ("pdf", len(pdf), None)
    with app.app_context():
        raw = db.session.execute(
            text("SELECT filename, caption, file_key FROM document WHERE id = :id"), {"id": document.id}
        ).one()
    assert all(value.startswith("kw1:") for value in raw)  # sealed with the clinic keyring
    (path,) = stored_files(app)
    on_disk = path.read_bytes()
    assert b"%PDF" not in on_disk and b"clearance" not in on_disk  # encrypted with the document's key
    page = web.get(f"/clients/{client_id}").get_data(as_text=True)
    assert "Clearance Dr Hale.pdf" in page and "GP letter" in page
    download = web.get(f"/documents/{document.id}/file")
    assert download.status_code == 200
    assert download.data == pdf
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "Clearance" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "no-store"
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "document").order_by(AuditEvent.id)
        ).all()
    assert actions == ["document.upload", "document.download"]


def test_a_phone_photo_loses_its_location_and_camera_and_heic_becomes_jpeg(
    app, web, login_as, therapist, client_id
):
    import pillow_heif

    pillow_heif.register_heif_opener()
    login_as(therapist)
    jpeg = a_photo()
    assert b"PhoneMaker" in jpeg
    assert upload(web, f"/clients/{client_id}/documents", jpeg, "knee.jpg").status_code == 302
    heic = a_photo("HEIF")
    assert upload(web, f"/clients/{client_id}/documents", heic, "IMG_0001.HEIC").status_code == 302
    assert upload(web, f"/clients/{client_id}/documents", a_png(), "scan.png").status_code == 302
    first, second, third = documents(app)
    for document in (first, second):
        data = web.get(f"/documents/{document.id}/file").data
        image = Image.open(io.BytesIO(data))
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert b"PhoneMaker" not in data
        assert image.size == (64, 48)
    assert (second.filename, second.kind, second.uploaded_kind) == ("IMG_0001.jpg", "jpeg", "heic")
    png = web.get(f"/documents/{third.id}/file").data
    assert Image.open(io.BytesIO(png)).format == "PNG" and b"taken at home" not in png


def _html_pdf() -> bytes:
    return b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n%%EOF\n"


def _pdf_then_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("evil.html", "<script>alert(1)</script>" * 400)
    return a_pdf() + buffer.getvalue()


def _pdf_with_javascript() -> bytes:
    pdf = a_pdf()
    return pdf.replace(
        b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
    )


def _pdf_with_escaped_javascript() -> bytes:
    """The same open action with its names #-escaped: invisible to a byte scan, seen once parsed."""
    action = b"/Type /Catalog /OpenAction << /S /Java#53cript /J#53 (app.alert(1)) >>"
    return a_pdf().replace(b"/Type /Catalog", action)


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height over a few bytes of data (as a bomb's does)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def _bomb() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (3_000, 3_000)).save(buffer, "PNG")  # 9 megapixels in about a kilobyte
    return buffer.getvalue()


BAD_FILES = {
    "png named .pdf": (lambda: a_png(), "letter.pdf", "The name says a PDF, but the file is a PNG image"),
    "html named .pdf": (
        lambda: b"<!doctype html><script>alert(1)</script>",
        "letter.pdf",
        "This is not a PDF, JPEG, PNG or HEIC file",
    ),
    "pdf named .jpg": (lambda: a_pdf(), "photo.jpg", "The name says a JPEG photo, but the file is a PDF"),
    "pdf/html polyglot": (_html_pdf, "letter.pdf", "web-page markup"),
    "pdf/zip polyglot": (_pdf_then_zip, "letter.pdf", "Something follows the end of this PDF"),
    "pdf with javascript": (_pdf_with_javascript, "letter.pdf", "scripts, actions or attached files"),
    "pdf with escaped javascript": (_pdf_with_escaped_javascript, "letter.pdf", "scripts, actions"),
    "png with a tail": (lambda: a_png() + b"<html>", "scan.png", None),  # taken, re-encoded without it
    "empty": (lambda: b"", "letter.pdf", "The file is empty (0 bytes)."),
    "path in name": (lambda: a_pdf(), "../../etc/letter.pdf", "may not contain folders"),
    "folder in name": (lambda: a_pdf(), "letters/letter.pdf", "may not contain folders"),
    "nul in name": (lambda: a_pdf(), "letter\x00.png.pdf", "may not contain folders or control characters"),
    "unknown extension": (lambda: a_pdf(), "letter.exe", "Knotwork takes PDF, JPEG, PNG and HEIC files."),
    "bomb": (_bomb, "scan.png", "too large to open safely (more than 1 megapixels)"),
    "pillow's own bomb check": (
        lambda: _png_claiming(20_000, 20_000),
        "scan.png",
        "too large to open safely",
    ),
    "truncated jpeg": (lambda: a_photo()[:300], "knee.jpg", "cannot be read"),
    "damaged pdf": (lambda: b"%PDF-1.7\nnot a pdf at all\n%%EOF\n", "letter.pdf", "cannot be read"),
    "too big": (lambda: a_pdf() + b" " * 0, "letter.pdf", "larger than 0 MB"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_files_are_refused_next_to_the_field_and_write_nothing(
    app, web, login_as, therapist, client_id, case
):
    make, name, message = BAD_FILES[case]
    if case == "too big":
        app.config["DOCUMENT_MAX_BYTES"] = 1000
    if case == "bomb":
        app.config["DOCUMENT_MAX_PIXELS"] = 1_000_000
    login_as(therapist)
    before = table_counts(app)
    response = upload(web, f"/clients/{client_id}/documents", make(), name, caption="Keep this caption")
    if message is None:
        assert response.status_code == 302
        (document,) = documents(app)
        assert b"<html>" not in web.get(f"/documents/{document.id}/file").data
        return
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = re.search(r'<p class="error" id="doc-file-client-error"[^>]*>([^<]*)</p>', page)
    assert error is not None, page[page.find('id="documents"') :][:1500]
    assert message in error.group(1).replace("&#39;", "'")
    assert 'value="Keep this caption"' in page  # what was typed is kept
    assert table_counts(app) == before
    assert stored_files(app) == []


def _multipart(name: str, data: bytes) -> tuple[bytes, str]:
    """A multipart body made here, in memory (the test client would spool a large one to a file)."""
    boundary = "knotwork-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_an_upload_above_the_request_cap_is_refused_and_others_keep_the_small_cap(
    app, web, login_as, therapist, client_id
):
    app.config["DOCUMENT_MAX_BYTES"] = 1000
    login_as(therapist)
    before = table_counts(app)
    body, content_type = _multipart("letter.pdf", a_pdf() + b"%" * (2 * 1024 * 1024))
    response = web.post(f"/clients/{client_id}/documents", data=body, content_type=content_type)
    assert response.status_code == 413
    # the documents' larger cap is theirs alone: the client form keeps MAX_CONTENT_LENGTH (2 MB)
    app.config["DOCUMENT_MAX_BYTES"] = 10 * 1024 * 1024
    body, content_type = _multipart("letter.pdf", b"x" * (3 * 1024 * 1024))
    assert web.post("/clients/new", data=body, content_type=content_type).status_code == 413
    assert table_counts(app) == before and stored_files(app) == []


def test_the_front_desk_never_sees_documents(app, web, login_as, therapist, frontdesk, client_id):
    login_as(therapist)
    assert upload(web, f"/clients/{client_id}/documents", a_pdf(), "secret-letter.pdf").status_code == 302
    (document,) = documents(app)
    web.post("/logout")
    login_as(frontdesk)
    page = web.get(f"/clients/{client_id}").get_data(as_text=True)
    assert "secret-letter" not in page and 'id="documents"' not in page
    assert web.get(f"/documents/{document.id}/file").status_code == 403
    assert upload(web, f"/clients/{client_id}/documents", a_pdf(), "x.pdf").status_code == 403
    assert web.post(f"/documents/{document.id}/remove").status_code == 403


def test_another_clinic_gets_404(app, web, factory, login_as, therapist, client_id):
    login_as(therapist)
    assert upload(web, f"/clients/{client_id}/documents", a_pdf(), "letter.pdf").status_code == 302
    (document,) = documents(app)
    web.post("/logout")
    other = factory.user(factory.clinic("Elsewhere"), "owner")
    login_as(other)
    assert web.get(f"/documents/{document.id}/file").status_code == 404
    assert web.post(f"/documents/{document.id}/remove").status_code == 404
    assert upload(web, f"/clients/{client_id}/documents", a_pdf(), "x.pdf").status_code == 404
    assert len(documents(app)) == 1


def _signed_visit(app, client_id, therapist) -> int:
    from datetime import date

    from clinic.models import Client, User
    from clinic.visits import services

    with app.app_context():
        client, user = db.session.get(Client, client_id), db.session.get(User, therapist)
        visit = services.start_visit(client, user, [], "", date(2026, 11, 20))
        db.session.commit()
        return visit.id


def _sign(app, visit_id, therapist) -> None:
    from clinic.models import User
    from clinic.visits import services

    with app.app_context():
        visit, user = db.session.get(Visit, visit_id), db.session.get(User, therapist)
        services.save_note(
            visit, user, {"pain_before": 5, "points": [], "plan_items": []}, None, signing=True
        )
        services.sign(visit, user)
        db.session.commit()


COPIED = (
    "clinic_id, client_id, visit_id, kind, uploaded_kind, size, sha256, file_key, filename, caption, "
    "uploaded_by_id, created_at"
)


def test_a_document_on_a_signed_note_is_locked_and_can_only_be_superseded(
    app, web, login_as, therapist, client_id
):
    from clinic.visits.signing import hash_matches

    login_as(therapist)
    visit_id = _signed_visit(app, client_id, therapist)
    assert upload(web, f"/visits/{visit_id}/documents", a_pdf("v1"), "referral.pdf").status_code == 302
    assert upload(web, f"/visits/{visit_id}/documents", a_pdf("oops"), "wrong.pdf").status_code == 302
    first, wrong = documents(app)
    # before signing, a wrong file can be removed: the row stays, its bytes are erased
    assert web.post(f"/documents/{wrong.id}/remove").status_code == 302
    assert len(stored_files(app)) == 1
    assert web.get(f"/documents/{wrong.id}/file").status_code == 404
    _sign(app, visit_id, therapist)
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert hash_matches(visit)
        from clinic.visits.signing import canonical_content

        assert f'"documents":[{{"id":{first.id},'.encode() in canonical_content(visit)
    response = web.post(f"/documents/{first.id}/remove", follow_redirects=True)
    assert "part of a signed note" in response.get_data(as_text=True)
    assert documents(app)[0].removed_at is None
    # the database refuses too, whoever asks
    with app.app_context():
        for statement in (
            "UPDATE document SET caption = 'x' WHERE id = :id",
            "DELETE FROM document WHERE id = :id",
            "UPDATE document SET visit_id = NULL WHERE id = :id",
        ):
            with pytest.raises(DBAPIError):
                db.session.execute(text(statement), {"id": first.id})
            db.session.rollback()
    # superseded: a newer version, added after signing; the note's hash is unchanged
    response = upload(web, f"/documents/{first.id}/supersede", a_pdf("v2"), "referral v2.pdf")
    assert response.status_code == 302
    newer = documents(app)[-1]
    assert (newer.supersedes_id, newer.visit_id, newer.added_after_signing) == (first.id, visit_id, True)
    page = web.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert "Replaced by referral v2.pdf" in page and "Added after signing" in page
    assert "wrong.pdf" not in page
    with app.app_context():
        assert hash_matches(db.session.get(Visit, visit_id))
    # a second newer version of the same document is refused
    again = upload(web, f"/documents/{first.id}/supersede", a_pdf("v3"), "referral v3.pdf")
    assert again.status_code == 400
    assert "removed or replaced meanwhile" in again.get_data(as_text=True)
    # the database refuses a document slipped into the signed note as if it had been there
    with app.app_context():
        with pytest.raises(DBAPIError):
            db.session.execute(
                text(
                    f"INSERT INTO document ({COPIED}, storage_key, added_after_signing) "
                    f"SELECT {COPIED}, 'k2', false FROM document WHERE id = :id"
                ),
                {"id": first.id},
            )
        db.session.rollback()
        # the same row, said to be added after signing, is taken (the refusal above was the lock's)
        db.session.execute(
            text(
                f"INSERT INTO document ({COPIED}, storage_key, added_after_signing) "
                f"SELECT {COPIED}, 'k3', true FROM document WHERE id = :id"
            ),
            {"id": first.id},
        )
        db.session.rollback()


def test_a_refused_file_on_the_visit_page_shows_the_visit_again(app, web, login_as, therapist, client_id):
    login_as(therapist)
    visit_id = _signed_visit(app, client_id, therapist)
    response = upload(web, f"/visits/{visit_id}/documents", b"", "x.pdf")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Treatment note" in page and "The file is empty (0 bytes)." in page
    assert 'id="doc-file-visit-error"' in page


def test_a_clearance_on_file_points_to_the_letter_that_holds_it(app, web, login_as, therapist, client_id):
    from clinic.intake import services as intake
    from tests.test_intake import intake_form

    login_as(therapist)
    assert (
        upload(web, f"/clients/{client_id}/documents", a_pdf(), "hale.pdf", "GP clearance").status_code == 302
    )
    (letter,) = documents(app)
    edit = web.get(f"/clients/{client_id}/health/edit").get_data(as_text=True)
    assert f'<option value="{letter.id}" >GP clearance' in edit
    before = table_counts(app)
    # an id that is not one of this client's documents is refused outright, nothing written
    forged = intake_form(based_on="1", cond_anticoagulant_clearance=str(letter.id + 1))
    response = web.post(f"/clients/{client_id}/health/edit", data=forged)
    assert response.status_code == 400 and "not on it" in response.get_data(as_text=True)
    assert table_counts(app) == before
    linked = intake_form(based_on="1", cond_anticoagulant_clearance=str(letter.id))
    assert web.post(f"/clients/{client_id}/health/edit", data=linked).status_code == 302
    with app.app_context():
        conditions = intake.record_data(intake.current_record(client_id))["conditions"]
    (entry,) = [e for e in conditions if e["code"] == "anticoagulant"]
    assert entry == {"code": "anticoagulant", "cleared": True, "clearance_document": letter.id}
    page = web.get(f"/clients/{client_id}").get_data(as_text=True)
    assert f'href="/documents/{letter.id}/file" download>(the letter)' in page
    # the letter the health history relies on cannot be removed while it does
    response = web.post(f"/documents/{letter.id}/remove", follow_redirects=True)
    assert "holding a clearance" in response.get_data(as_text=True)
    assert documents(app)[0].removed_at is None and len(stored_files(app)) == 1


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"clearance_document": 7}, "goes with a clearance on file"),
        ({"cleared": True, "clearance_document": True}, "Choose the clearance letter"),
        ({"cleared": True, "clearance_document": -1}, "Choose the clearance letter"),
        ({"cleared": True, "clearance_document": "7"}, "Choose the clearance letter"),
    ],
)
def test_a_health_entry_names_its_clearance_letter_by_id_only(raw, message):
    from datetime import date

    from clinic.intake.health import InvalidHealthData, check_entry

    assert check_entry(
        {"code": "anticoagulant", "cleared": True, "clearance_document": 7}, date(2026, 1, 1)
    ) == {
        "code": "anticoagulant",
        "cleared": True,
        "clearance_document": 7,
    }
    with pytest.raises(InvalidHealthData, match=message):
        check_entry({"code": "anticoagulant", **raw}, date(2026, 1, 1))


def test_the_documents_list_costs_the_same_queries_for_one_or_many(
    app, web, login_as, therapist, owner, client_id
):
    from tests.conftest import count_queries

    login_as(therapist)
    visit_id = _signed_visit(app, client_id, therapist)

    def page_queries() -> tuple[int, int]:
        counts = []
        for url in (f"/clients/{client_id}", f"/visits/{visit_id}"):
            with count_queries(app) as n:
                assert web.get(url).status_code == 200
            counts.append(n())
        return tuple(counts)

    assert upload(web, f"/clients/{client_id}/documents", a_pdf(), "one.pdf").status_code == 302
    assert upload(web, f"/visits/{visit_id}/documents", a_pdf(), "first.pdf").status_code == 302
    one = page_queries()
    web.post("/logout")
    login_as(owner)  # documents added by another person too: who added each is named on the list
    for n in range(4):
        assert upload(web, f"/clients/{client_id}/documents", a_pdf(), f"more-{n}.pdf").status_code == 302
        assert upload(web, f"/visits/{visit_id}/documents", a_pdf(), f"visit-{n}.pdf").status_code == 302
    web.post("/logout")
    login_as(therapist)
    assert page_queries() == one
