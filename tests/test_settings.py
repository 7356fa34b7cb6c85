"""The owner's clinic settings (details, time zone, paper, logo) and the versioned aftercare wording."""

import html
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import undefer

from clinic.aftercare.wording import DEFAULT_WORDING, EDITABLE_KEYS
from clinic.extensions import db
from clinic.models import AftercareWording, AuditEvent, Clinic
from tests.conftest import login, table_counts
from tests.test_aftercare_views import (
    NOW,
    audit_rows,
    make_client,
    make_visit,
    page_size,
    pdf_text,
    png_bytes,
    set_clinic,
)

VALID = {
    "name": "Harbour Test Clinic",
    "address": "14 Harbour Street\r\nPortsmouth PO1 2AB",
    "phone": "+44 23 9200 0140",
    "email": "hello@harbour.example",
    "timezone": "Europe/London",
    "paper": "A4",
}


def clinic_row(app, clinic_id):
    with app.app_context():
        clinic = db.session.get(Clinic, clinic_id, options=[undefer(Clinic.logo_png)])  # deferred
        db.session.expunge(clinic)
        return clinic


def wording_data(**texts):
    data = {key: DEFAULT_WORDING.text(key) for key in EDITABLE_KEYS}
    data["version"] = "0"
    data.update(texts)
    return data


# --- the clinic details --------------------------------------------------------------------------


def test_owner_sees_the_settings_filled_in(app, web, login_as, owner, clinic_id):
    set_clinic(app, clinic_id, phone="023 9200 0140", address="1 Quay", settings={"paper": "Letter"})
    login_as(owner)
    page = web.get("/settings").get_data(as_text=True)
    assert 'value="Harbour Test Clinic"' in page and 'value="023 9200 0140"' in page
    assert 'value="Europe/London"' in page and "1 Quay" in page
    assert re.search(r'<input checked[^>]*value="Letter"|value="Letter"[^>]*checked', page)
    assert '<option value="America/New_York">' in page
    assert 'href="/settings/aftercare"' in page and 'href="/admin/users"' in page
    if any(rule.rule == "/settings/screening" for rule in app.url_map.iter_rules()):
        assert 'href="/settings/screening"' in page


def test_saving_the_details(app, web, login_as, owner, clinic_id):
    login_as(owner)
    response = web.post(
        "/settings",
        data={**VALID, "name": "Harbour Street Clinic", "timezone": "America/New_York", "paper": "Letter"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/settings"
    clinic = clinic_row(app, clinic_id)
    assert (clinic.name, clinic.phone, clinic.email, clinic.timezone) == (
        "Harbour Street Clinic",
        "+44 23 9200 0140",
        "hello@harbour.example",
        "America/New_York",
    )
    assert clinic.address == "14 Harbour Street\nPortsmouth PO1 2AB"
    assert clinic.settings["paper"] == "Letter"
    assert [(r.object_type, r.object_id) for r in audit_rows(app, "clinic.update")] == [("clinic", clinic_id)]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "Unknown time zone"),
        ({"timezone": "../../etc/passwd"}, "Unknown time zone"),
        ({"timezone": "localtime"}, "Unknown time zone"),
        ({"phone": ""}, "every aftercare sheet tells clients when to call"),
        ({"phone": "call me maybe"}, "Use digits"),
        ({"email": "not-an-email"}, "Check the email address"),
        ({"name": ""}, "This field is required"),
        ({"paper": "A3"}, "Not a valid choice"),
    ],
)
def test_bad_details_are_refused_next_to_the_field(app, web, login_as, owner, clinic_id, changes, message):
    login_as(owner)
    before = table_counts(app)
    response = web.post("/settings", data={**VALID, "address": "Typed address", **changes})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in body
    assert "Typed address" in body  # what was typed is kept
    assert table_counts(app) == before
    assert clinic_row(app, clinic_id).address == ""
    assert audit_rows(app, "clinic.update") == []


def test_another_clinics_name_is_refused(app, web, login_as, owner, factory):
    factory.clinic("Elsewhere Clinic")
    login_as(owner)
    response = web.post("/settings", data={**VALID, "name": "elsewhere clinic"})
    assert response.status_code == 400
    assert "Another clinic already uses this name" in response.get_data(as_text=True)


def test_paper_size_switch_reaches_the_sheet(app, web, login_as, owner, therapist, clinic_id, clock):
    clock.set(NOW)
    client = make_client(app, clinic_id, therapist, conditions=[])
    visit = make_visit(app, client, therapist, plan=())
    login_as(owner)
    assert web.post("/settings", data={**VALID, "paper": "Letter"}).status_code == 302
    assert page_size(web.get(f"/visits/{visit}/aftercare.pdf").data) == (612.0, 792.0)
    assert web.post("/settings", data={**VALID, "paper": "A4"}).status_code == 302
    assert page_size(web.get(f"/visits/{visit}/aftercare.pdf").data) == (595.28, 841.89)


# --- the logo -------------------------------------------------------------------------------------


def upload(web, data: bytes, name="logo.png"):
    from io import BytesIO

    return web.post(
        "/settings/logo", data={"logo": (BytesIO(data), name)}, content_type="multipart/form-data"
    )


def test_logo_upload_shown_and_removed(app, web, login_as, owner, clinic_id):
    login_as(owner)
    png = png_bytes(90, 30)
    response = upload(web, png)
    assert response.status_code == 302
    assert clinic_row(app, clinic_id).logo_png == png
    page = web.get("/settings").get_data(as_text=True)
    assert 'src="/settings/logo.png"' in page and "Remove the logo" in page
    image = web.get("/settings/logo.png")
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data == png
    assert web.post("/settings/logo/remove").status_code == 302
    assert clinic_row(app, clinic_id).logo_png is None
    assert web.get("/settings/logo.png").status_code == 404
    assert [
        r.action for r in audit_rows(app, "clinic.logo_upload") + audit_rows(app, "clinic.logo_remove")
    ] == ["clinic.logo_upload", "clinic.logo_remove"]


def _broken_png() -> bytes:
    png = bytearray(png_bytes(40, 40))
    png[45:60] = b"\x00" * 15  # inside the compressed pixel data
    return bytes(png)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"hello, I am a text file", "not a PNG image"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 200, "This is a JPEG"),
        (b"GIF89a" + b"\x00" * 100, "not a PNG image"),
        (png_bytes(8, 8), "8 × 8 pixels"),
        (png_bytes(5000, 16), "5000 × 16 pixels"),
        (png_bytes(400, 300)[:-40] + b"\x00" * 40, "could not be read"),
        (_broken_png(), "could not be read"),
        (b"", "empty"),
    ],
)
def test_a_bad_logo_is_refused(app, web, login_as, owner, clinic_id, data, message):
    login_as(owner)
    before = table_counts(app)
    response = upload(web, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert table_counts(app) == before
    assert clinic_row(app, clinic_id).logo_png is None


def test_a_logo_over_300_kb_is_refused(app, web, login_as, owner, clinic_id):
    import os

    login_as(owner)
    big = png_bytes(40, 40)[:-12] + os.urandom(300 * 1024) + png_bytes(40, 40)[-12:]
    response = upload(web, big)
    assert response.status_code == 400
    assert "larger than 300 KB" in response.get_data(as_text=True)
    assert clinic_row(app, clinic_id).logo_png is None


def test_no_file_chosen(web, login_as, owner):
    login_as(owner)
    response = web.post("/settings/logo", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a PNG file" in response.get_data(as_text=True)


# --- who may ---------------------------------------------------------------------------------------

SETTINGS_ROUTES = [
    ("GET", "/settings"),
    ("POST", "/settings"),
    ("POST", "/settings/logo"),
    ("POST", "/settings/logo/remove"),
    ("GET", "/settings/logo.png"),
    ("GET", "/settings/aftercare"),
    ("POST", "/settings/aftercare"),
    ("GET", "/settings/aftercare/versions/1"),
    ("GET", "/settings/aftercare/sample.pdf"),
]


@pytest.mark.parametrize("role", ["therapist", "frontdesk"])
def test_only_the_owner_reaches_these_settings(app, web, factory, clinic_id, owner, role):
    user = factory.user(clinic_id, role, f"{role}-settings@example.test")
    login(web, factory.email_of(user))
    before = table_counts(app)
    for method, url in SETTINGS_ROUTES:
        response = web.open(url, method=method, data={**VALID, "paper": "Letter"})
        assert response.status_code == 403, (role, method, url)
    assert table_counts(app) == before
    assert "Settings" not in web.get("/").get_data(as_text=True).split("</nav>")[0]


def test_settings_posts_need_the_csrf_token(make_app, factory):
    app = make_app(WTF_CSRF_ENABLED=True)
    clinic_id = factory.clinic("Token Clinic")
    owner = factory.user(clinic_id, "owner", "token-owner@example.test")
    web = app.test_client()
    page = web.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    web.post(
        "/login",
        data={"email": factory.email_of(owner), "password": "lantern-orchard-velvet", "csrf_token": token},
    )
    before = table_counts(app)
    for url in ("/settings", "/settings/logo", "/settings/logo/remove", "/settings/aftercare"):
        assert web.post(url, data={**VALID, **wording_data(hydration="Sip.")}).status_code == 400, url
    assert table_counts(app) == before
    # and with the page's token the same form goes through
    page = web.get("/settings").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert web.post("/settings", data={**VALID, "csrf_token": token}).status_code == 302


# --- the aftercare wording --------------------------------------------------------------------------


def test_wording_page_shows_every_text_and_the_standard(web, login_as, owner):
    login_as(owner)
    page = web.get("/settings/aftercare").get_data(as_text=True)
    for key in EDITABLE_KEYS:
        assert f'name="{key}"' in page
        assert f'name="standard_{key}"' in page
    assert page.count("The standard text, for reference") == len(EDITABLE_KEYS)
    assert "standard-1" in page and "No saved versions" in page


def test_saving_wording_makes_a_version_the_sheet_records(
    app, web, login_as, owner, therapist, clinic_id, clock
):
    clock.set(NOW)
    set_clinic(app, clinic_id, phone="023 9200 0140")
    client = make_client(app, clinic_id, therapist, conditions=[])
    visit = make_visit(app, client, therapist, plan=())
    login_as(owner)
    text = "Drink to thirst today.\r\n\r\nTea and coffee count too."
    response = web.post("/settings/aftercare", data=wording_data(hydration=text))
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalars(select(AftercareWording)).one()
        assert (row.number, row.label, row.created_by_id) == (1, f"clinic-{clinic_id}-v1", owner)
        assert row.texts["hydration"] == "Drink to thirst today.\n\nTea and coffee count too."
        assert row.texts["rest"] == DEFAULT_WORDING.text("rest")  # every text stored: the version is complete
    assert [(r.object_type, r.object_id) for r in audit_rows(app, "aftercare_wording.change")] == [
        ("aftercare_wording", row.id)
    ]
    sheet = pdf_text(web.get(f"/visits/{visit}/aftercare.pdf").data)
    assert "Drink to thirst today. Tea and coffee count too." in sheet
    assert DEFAULT_WORDING.text("hydration")[:40] not in sheet
    assert "Aftercare wording" not in sheet  # in the PDF's properties, not on the client's page
    pdf = PdfReader(io.BytesIO(web.get(f"/visits/{visit}/aftercare.pdf").data))
    assert pdf.metadata.subject == f"Aftercare wording clinic-{clinic_id}-v1"
    page = web.get("/settings/aftercare").get_data(as_text=True)
    assert f"clinic-{clinic_id}-v1" in page and "Changed from the standard" in page and "Olive Owner" in page
    version = web.get("/settings/aftercare/versions/1").get_data(as_text=True)
    assert "Drink to thirst today." in version
    assert web.get("/settings/aftercare/versions/2").status_code == 404


def test_use_the_standard_text_again(app, web, login_as, owner):
    login_as(owner)
    assert web.post("/settings/aftercare", data=wording_data(rest="Take it easy.")).status_code == 302
    data = wording_data(rest="Take it easy.", standard_rest="y")
    data["version"] = "1"
    assert web.post("/settings/aftercare", data=data).status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(AftercareWording).order_by(AftercareWording.number)).all()
        assert [r.texts["rest"] for r in rows] == ["Take it easy.", DEFAULT_WORDING.text("rest")]


def test_nothing_changed_makes_no_version(app, web, login_as, owner):
    login_as(owner)
    response = web.post("/settings/aftercare", data=wording_data())
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(AftercareWording)).all() == []
    assert audit_rows(app, "aftercare_wording.change") == []


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        (
            {"hydration": "Drink plenty of water to flush out the toxins."},
            "must not claim that anything flushes toxins",
        ),
        ({"rest": "   "}, "Write a text here, or tick “Use the standard text”."),
        ({"closing": "x" * 2001}, "longer than 2000 characters"),
    ],
)
def test_refused_wording_is_shown_next_to_the_field(app, web, login_as, owner, texts, message):
    login_as(owner)
    before = table_counts(app)
    response = web.post("/settings/aftercare", data=wording_data(**texts))
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    key = next(iter(texts))
    error = re.search(rf'<p class="error" id="{key}-error">([^<]*)</p>', body)
    assert error and message in html.unescape(error.group(1))
    assert 'aria-invalid="true"' in re.search(rf'<textarea[^>]*id="{key}"[^>]*>', body).group(0)
    assert table_counts(app) == before
    assert audit_rows(app, "aftercare_wording.change") == []


@pytest.mark.parametrize("key", ["red_flag_clot", "precaution_anticoagulant", "headings"])
def test_unknown_wording_keys_are_refused(app, web, login_as, owner, key):
    login_as(owner)
    before = table_counts(app)
    response = web.post(
        "/settings/aftercare", data={**wording_data(hydration="Sip."), key: "Nothing to worry about."}
    )
    assert response.status_code == 400
    assert "red flags and precautions are fixed" in response.get_data(as_text=True)
    assert table_counts(app) == before


def test_the_store_refuses_unknown_keys_too(app, owner):
    from clinic.aftercare import wording_store
    from clinic.models import User

    with app.app_context():
        user = db.session.get(User, owner)
        with pytest.raises(wording_store.WordingError) as caught:
            wording_store.save(user.clinic_id, user, {"red_flags": "none"}, None)
        assert "red_flags" in caught.value.errors[""]


def test_a_stale_page_gets_a_conflict(app, web, login_as, owner):
    login_as(owner)
    assert web.post("/settings/aftercare", data=wording_data(rest="First.")).status_code == 302
    response = web.post(
        "/settings/aftercare", data=wording_data(rest="Second, from an old tab.")
    )  # version 0
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone saved the wording while you were editing" in body and "Second, from an old tab." in body
    with app.app_context():
        assert db.session.scalar(select(AftercareWording.texts)) == {
            **DEFAULT_WORDING.texts,
            "rest": "First.",
        }


def test_sample_sheet_uses_the_clinic_and_its_wording(app, web, login_as, owner, clinic_id, clock):
    clock.set(NOW)
    set_clinic(app, clinic_id, phone="023 9200 0140", settings={"paper": "Letter"})
    login_as(owner)
    web.post("/settings/aftercare", data=wording_data(closing="See you soon, from all of us."))
    response = web.get("/settings/aftercare/sample.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert page_size(response.data) == (612.0, 792.0)
    text = pdf_text(response.data)
    assert "See you soon, from all of us." in text and "Harbour Test Clinic" in text
    assert audit_rows(app, "aftercare.print") == []  # no client, nothing clinical


def test_settings_in_the_owners_navigation(web, login_as, owner):
    login_as(owner)
    nav = web.get("/").get_data(as_text=True).split("</nav>")[0]
    assert 'href="/settings"' in nav


def test_audit_rows_name_no_text(app, web, login_as, owner):
    login_as(owner)
    web.post("/settings/aftercare", data=wording_data(rest="Take it easy."))
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("aftercare%"))).all()
        assert rows and all("Take it easy" not in str(vars(row)) for row in rows)
