"""The owner's client import, end to end: upload, columns, preview, confirm, the worker's run."""

import io

import pytest
from sqlalchemy import func, select

from clinic.extensions import db
from clinic.messages.queue import queue_for
from clinic.models import AuditEvent, Client, ClientImport

from .conftest import table_counts
from .security.helpers import csrf_token

CLINIKO = (
    "Patient ID,First Name,Last Name,Preferred First Name,Date of Birth,Email,Phone Numbers,"
    "Address 1,City,Notes\n"
    "1,Zoë,Çelik,,1980-01-02,zoe@example.test,+44 7700 900001,1 High St,Leeds,Prefers mornings\n"
    "2,Anna,Smith,Annie,1975-03-04,,07700 900002,,,\n"  # on file already (name + birth date)
    "3,Ben,Jones,,,ben@example.test,,,,\n"
    "4,Benjamin,Jones,,,BEN@example.test,,,,\n"  # row 4 again (email)
    '5,"=HYPERLINK(""http://evil.test"")",Evil,,,,,,,\n'  # formula: refused
    "6,Cara,Lee,,31/12/1990,,,,,\n"  # not ISO: needs the day-first choice
)


def upload(web, data: bytes, name: str = "clients.csv"):
    return web.post(
        "/clients/import", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def raw_upload(web, size: int):
    """A multipart body of `size` bytes sent as it is (a file part would be spooled by the test client
    to a temporary file that is never closed when the request is refused unread)."""
    head = b"--b\r\nContent-Disposition: form-data; name=file; filename=big.csv\r\n\r\n"
    return web.post(
        "/clients/import", data=head + b"a" * size, content_type="multipart/form-data; boundary=b"
    )


def job_of(app) -> ClientImport:
    with app.app_context():
        job = db.session.scalars(select(ClientImport).order_by(ClientImport.id.desc())).first()
        db.session.expunge_all()
        return job


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def on_file(app, clinic_id, web, owner, login_as):
    """Anna Smith, typed in through the client form; the owner logged in."""
    login_as(owner)
    response = web.post(
        "/clients/new",
        data={
            "first_name": "Anna",
            "last_name": "Smith",
            "date_of_birth": "1975-03-04",
            "phone": "01234 567890",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        return db.session.scalar(select(Client.id))


def mapped(app, web, data: bytes = CLINIKO.encode("utf-8-sig")) -> int:
    response = upload(web, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    job = job_of(app)
    assert response.headers["Location"].endswith(f"/clients/import/{job.id}/columns")
    page = web.get(f"/clients/import/{job.id}/columns").get_data(as_text=True)
    assert "2. Which column is which" in page
    form = {f"col{i}": name for i, name in enumerate(job.mapping)}
    response = web.post(f"/clients/import/{job.id}/columns", data={**form, "date_order": "dmy"})
    assert response.status_code == 302
    return job.id


def test_a_cliniko_export_is_mapped_previewed_and_imported_in_the_worker(app, web, on_file):
    job_id = mapped(app, web)
    page = web.get(f"/clients/import/{job_id}/columns").get_data(as_text=True)
    assert "Cliniko" in page and "Zoë" in page  # the preset guessed, the first values shown
    job = job_of(app)
    assert job.mapping[:7] == [
        "",
        "first_name",
        "last_name",
        "preferred_name",
        "date_of_birth",
        "email",
        "phone",
    ]
    assert job.encoding == "utf-8-sig" and job.status == "mapped"
    page = web.get(f"/clients/import/{job_id}/preview").get_data(as_text=True)
    assert "Row 6" in page and "spreadsheets run as a formula" in page  # the formula row
    assert "same name and date of birth as" in page and "same email as" in page
    before = count(app, Client)
    response = web.post(
        f"/clients/import/{job_id}/preview",
        data={"skip_errors": "1", "confirm": "1", "row3": "skip", "row5": "import"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/clients/import/{job_id}")
    waiting = web.get(f"/clients/import/{job_id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in waiting and "Waiting for the worker" in waiting
    assert count(app, Client) == before  # nothing until the worker runs
    queue_for(app).run_pending()
    done = web.get(f"/clients/import/{job_id}").get_data(as_text=True)
    assert "Imported" in done and "refresh" not in done
    job = job_of(app)
    assert (job.status, job.created_count, job.updated_count, job.skipped_count) == ("done", 4, 0, 2)
    assert job.csv_text == ""  # the file is not kept
    with app.app_context():
        names = {c.full_name: c for c in db.session.scalars(select(Client))}
        assert set(names) == {"Anna Smith", "Zoë Çelik", "Ben Jones", "Benjamin Jones", "Cara Lee"}
        zoe = names["Zoë Çelik"]
        # the search keys are folded by the same rule as a typed client's
        assert (zoe.name_key, zoe.last_key, zoe.phone_digits) == ("zoe celik", "celik", "447700900001")
        assert zoe.address == "1 High St, Leeds" and zoe.notes == "Prefers mornings"
        assert str(names["Cara Lee"].date_of_birth) == "1990-12-31"
        actions = [a for (a,) in db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id))]
        assert actions.count("client.import") == 4
        assert {
            "client_import.upload",
            "client_import.view",
            "client_import.map",
            "client_import.preview",
            "client_import.confirm",
            "client_import.run",
        } <= set(actions)
    # An imported client is found like a typed one.
    assert "Zoë" in web.get("/clients?q=%C3%A7el").get_data(as_text=True)
    # The upload is used up.
    assert web.get(f"/clients/import/{job_id}/preview").status_code == 302


def test_update_contact_details_fills_in_what_the_file_has(app, web, on_file):
    data = "First Name,Last Name,DOB,Email,Phone\nAnna,Smith,04/03/1975,anna@example.test,\n"
    job_id = mapped(app, web, data.encode())
    web.post(f"/clients/import/{job_id}/preview", data={"confirm": "1", "row2": "update"})
    queue_for(app).run_pending()
    job = job_of(app)
    assert (job.created_count, job.updated_count) == (0, 1)
    with app.app_context():
        anna = db.session.get(Client, on_file)
        assert (anna.email, anna.phone, anna.version) == ("anna@example.test", "01234 567890", 2)


def test_rows_with_errors_must_be_left_out_on_purpose(app, web, on_file):
    job_id = mapped(app, web)
    before = table_counts(app)
    response = web.post(f"/clients/import/{job_id}/preview", data={"confirm": "1"})
    assert response.status_code == 400 and "rows with errors" in response.get_data(as_text=True)
    assert table_counts(app) == before and job_of(app).status == "mapped"


def test_a_failure_in_the_run_imports_nothing(app, web, on_file, monkeypatch):
    from clinic import audit

    job_id = mapped(app, web)
    web.post(f"/clients/import/{job_id}/preview", data={"confirm": "1", "skip_errors": "1"})
    inserted = []

    def fails_after_the_inserts(action, **kwargs):
        inserted.append(len(kwargs["objects"]))  # the clients are in the transaction by now
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record_many", fails_after_the_inserts)
    before = count(app, Client)
    queue_for(app).run_pending()
    assert inserted == [3]
    assert count(app, Client) == before
    job = job_of(app)
    assert job.status == "failed" and job.csv_text == "" and "nothing was imported" in job.failure
    assert "Not imported" in web.get(f"/clients/import/{job_id}").get_data(as_text=True)


def test_the_progress_page_shows_the_rows_done(app, web, on_file, clock, owner, login_as):
    from clinic.client_import import run

    job_id = mapped(app, web)
    web.post(f"/clients/import/{job_id}/preview", data={"confirm": "1", "skip_errors": "1"})
    with app.app_context():
        run.claim(job_id)
        run.report(job_id, 4)
    page = web.get(f"/clients/import/{job_id}").get_data(as_text=True)
    assert "Importing" in page and 'value="4"' in page and "4 of 6 rows" in page
    assert '<meta http-equiv="refresh" content="2">' in page
    clock.advance(minutes=16)  # the worker was stopped under it: the page stops waiting
    login_as(owner)
    page = web.get(f"/clients/import/{job_id}").get_data(as_text=True)
    assert "Stopped" in page and "refresh" not in page


def test_a_second_task_for_the_same_import_does_nothing(app, web, on_file):
    from clinic.client_import.run import run_import

    job_id = mapped(app, web)
    web.post(f"/clients/import/{job_id}/preview", data={"confirm": "1", "skip_errors": "1"})
    queue_for(app).run_pending()
    with app.app_context():
        assert run_import(job_id) == "not claimed"
    assert count(app, Client) == 4  # Anna, and Zoë, Ben, Cara (duplicates skipped by default)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 200, "Excel or zip"),
        (bytes(range(256)) * 40, "not a text (CSV) file"),
        (b"", "Choose a CSV file"),  # an empty file part: the browser sent no file
        (b"First Name,Last Name\n", "no clients"),
    ],
)
def test_bad_files_get_a_clear_message_and_write_nothing(app, web, owner, login_as, data, says):
    login_as(owner)
    before = table_counts(app)
    response = upload(web, data, name="clients.csv" if data else "")
    assert response.status_code == 400
    assert says in response.get_data(as_text=True)
    assert table_counts(app) == before


def test_a_file_over_the_cap_is_refused_before_it_is_read(make_app, clinic_id, owner):
    app = make_app(IMPORT_MAX_BYTES=10_000)
    web = app.test_client()
    web.post("/login", data={"email": "owner@example.test", "password": "lantern-orchard-velvet"})
    before = table_counts(app)
    for rows in (5_000, 10_000):  # 55 KB (read, then refused), 110 KB (refused by its length)
        response = upload(web, b"First,Last\n" + b"Anna,Smith\n" * rows)
        assert response.status_code == 413
        assert "larger than 9 KB. Split the list" in response.get_data(as_text=True)
    response = upload(web, b"First,Last\n" + b"Anna,Smith\n" * 800)  # under the cap, over nothing else
    assert response.status_code == 302
    assert table_counts(app)["client_import"] == before["client_import"] + 1


def test_fifty_megabytes_is_refused_with_the_default_cap(app, web, owner, login_as):
    login_as(owner)
    response = raw_upload(web, 50 << 20)
    assert response.status_code == 413
    assert "larger than 20 MB" in response.get_data(as_text=True)
    assert count(app, ClientImport) == 0


def test_other_routes_keep_the_app_wide_cap(app, web, owner, login_as):
    login_as(owner)
    response = web.post("/clients/new", data={"first_name": "A" * (3 * 1024 * 1024), "last_name": "B"})
    assert response.status_code == 413


def test_a_windows_1252_file_is_read_with_a_warning(app, web, owner, login_as):
    login_as(owner)
    response = upload(web, "First Name,Last Name\nZoë,Çelik\n".encode("cp1252"), "old.csv")
    assert response.status_code == 302
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Windows-1252" in page and "Zoë" in page


def test_only_the_owner_who_uploaded_may_use_an_upload(
    app, web, factory, clinic_id, owner, therapist, frontdesk, login_as
):
    login_as(owner)
    upload(web, CLINIKO.encode())
    job_id = job_of(app).id
    web.post("/logout")
    for user in (therapist, frontdesk):
        login_as(user)
        assert web.get("/clients/import").status_code == 403
        assert web.get(f"/clients/import/{job_id}/columns").status_code == 403
        web.post("/logout")
    login_as(factory.user(clinic_id, "owner", "second-owner@example.test"))
    assert web.get("/clients/import").status_code == 200
    for url in (
        f"/clients/import/{job_id}/columns",
        f"/clients/import/{job_id}/preview",
        f"/clients/import/{job_id}",
    ):
        assert web.get(url).status_code == 404


def test_an_expired_upload_is_forgotten(app, web, owner, login_as, clock):
    from datetime import timedelta

    login_as(owner)
    upload(web, CLINIKO.encode())
    job_id = job_of(app).id
    clock.advance(timedelta(hours=25))
    login_as(owner)  # the session has long ended
    response = web.get(f"/clients/import/{job_id}/columns")
    assert response.status_code == 302 and response.headers["Location"].endswith("/clients/import")
    upload(web, CLINIKO.encode())  # the next upload drops the old text
    with app.app_context():
        old = db.session.get(ClientImport, job_id)
        assert (old.status, old.csv_text) == ("expired", "")


def test_a_mapping_without_names_is_refused_and_kept_on_the_page(app, web, owner, login_as):
    login_as(owner)
    upload(web, CLINIKO.encode())
    job = job_of(app)
    response = web.post(f"/clients/import/{job.id}/columns", data={"col5": "email", "date_order": "dmy"})
    assert response.status_code == 400
    assert "first and last names" in response.get_data(as_text=True)
    assert job_of(app).status == "uploaded"


def test_an_excel_unicode_text_file_is_read(app, web, owner, login_as):
    login_as(owner)
    text = "First Name\tLast Name\tDOB\nZoë\tÇelik\t02.01.1980\n"  # Excel's "Unicode text": UTF-16, tabs
    response = upload(web, text.encode("utf-16"), "clients.txt")
    assert response.status_code == 302
    job = job_of(app)
    assert (job.encoding, job.mapping) == ("utf-16", ["first_name", "last_name", "date_of_birth"])


def test_the_row_limit(make_app, clinic_id, owner):
    app = make_app(IMPORT_MAX_ROWS=3)
    web = app.test_client()
    web.post("/login", data={"email": "owner@example.test", "password": "lantern-orchard-velvet"})
    response = upload(web, b"First,Last\n" + b"Anna,Smith\n" * 4)
    assert response.status_code == 400
    assert "The file has 4 clients; one import takes at most 3." in response.get_data(as_text=True)
    assert count(app, ClientImport) == 0


def test_only_a_signed_in_owner_may_send_a_large_body(make_app, clinic_id, therapist):
    app = make_app(WTF_CSRF_ENABLED=True)  # the CSRF check reads the form: before any view
    web = app.test_client()
    assert raw_upload(web, 3 << 20).status_code == 413  # anonymous: the app-wide 2 MB, not the import's
    page = web.get("/login").get_data(as_text=True)
    token = csrf_token(page)
    signed_in = web.post("/login", data={"email": "theo@example.test", "password": "lantern-orchard-velvet",
                                         "csrf_token": token})  # fmt: skip
    assert signed_in.status_code == 302 and web.get("/clients").status_code == 200
    assert raw_upload(web, 3 << 20).status_code == 413  # a therapist: the same
