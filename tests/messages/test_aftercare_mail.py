"""After a note is signed, the client gets the aftercare sheet by e-mail: a private, expiring link to
a page (the mail holds none of the sheet's content), or the PDF attached when the clinic prefers."""

import html
import re
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select

from clinic.aftercare.wording import URGENT_HEADING
from clinic.extensions import db
from clinic.models import Client, Clinic, Message
from tests.conftest import login
from tests.factories import create_client_with_history, note_data, point
from tests.mail import run_worker, text_of
from tests.test_visits import TODAY, start

ADDRESS = "maya.okafor@example.test"
LINK = re.compile(r"http://localhost/a/[A-Za-z0-9_-]+")


def sign_a_note(app, clinic_id, therapist, clock, aftercare="link", **message_settings):
    clock.set(TODAY)
    with app.app_context():
        clinic = db.session.get(Clinic, clinic_id)
        clinic.phone = "023 9200 0140"
        clinic.settings = {
            **(clinic.settings or {}),
            "messages": {"aftercare": aftercare, **message_settings},
        }
        db.session.commit()
    client_id = create_client_with_history(app, clinic_id, therapist)
    with app.app_context():
        db.session.get(Client, client_id).email = ADDRESS
        db.session.commit()
    web = app.test_client()
    login(web, "theo@example.test")
    visit_id = start(web, client_id, [("stretching", "shoulder_r")])
    data = {**note_data([point(technique="stretching")], subjective="Sore after gardening"), "sign": "1"}
    assert web.post(f"/visits/{visit_id}/edit", data=data).status_code == 302
    return visit_id


def test_signing_sends_a_private_link_to_the_sheet_not_the_sheet(mail_app, smtp, clinic_id, therapist, clock):
    app, (_, sink) = mail_app, smtp
    sign_a_note(app, clinic_id, therapist, clock)
    run_worker(app)
    [mail] = sink.to(ADDRESS)
    assert mail["Subject"] == "Your aftercare sheet from Harbour Test Clinic"
    body = text_of(mail)
    for clinical in ("stretching", "Stretching", "shoulder", "Shoulder", "gardening", "trapezius"):
        assert clinical not in body and clinical not in mail["Subject"], clinical
    assert list(mail.iter_attachments()) == []
    link = LINK.search(body).group(0)
    page = app.test_client().get(link.removeprefix("http://localhost"))
    assert page.status_code == 200
    assert URGENT_HEADING in html.unescape(page.get_data(as_text=True))  # the red flags, as text
    with app.app_context():
        [message] = db.session.scalars(select(Message).where(Message.kind == "aftercare")).all()
        assert message.status == "sent" and link not in message.body


def test_the_clinic_may_send_the_pdf_attached_instead(mail_app, smtp, clinic_id, therapist, clock):
    app, (_, sink) = mail_app, smtp
    visit_id = sign_a_note(app, clinic_id, therapist, clock, aftercare="attachment")
    run_worker(app)
    [mail] = sink.to(ADDRESS)
    assert not LINK.search(text_of(mail)) and "attached to this e-mail as a PDF" in text_of(mail)
    [pdf] = list(mail.iter_attachments())
    assert pdf.get_content_type() == "application/pdf" and pdf.get_filename().startswith("aftercare-")
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.get_content())).pages)
    assert "Harbour Test Clinic" in text and "023 9200 0140" in text
    with app.app_context():
        rows = db.session.execute(select(Message.kind, Message.visit_id).order_by(Message.id)).all()
        assert rows == [("aftercare", visit_id), ("check_in", visit_id)]  # the check-in waits its hours


def test_signing_twice_in_a_race_sends_one_sheet(mail_app, smtp, clinic_id, therapist, clock):
    from clinic.messages import notices
    from clinic.models import User, Visit

    app, (_, sink) = mail_app, smtp
    visit_id = sign_a_note(app, clinic_id, therapist, clock)
    with app.app_context():
        again = notices.visit_signed(db.session.get(Visit, visit_id), db.session.get(User, therapist))
        db.session.commit()
    assert again == []
    run_worker(app)
    assert len(sink.to(ADDRESS)) == 1
