"""Fixtures of the security tests: the seeded two-clinic world, and logging a test client in.

On SQLite the world is seeded once per run into a template file that each test copies (fast); on
PostgreSQL (where tables are truncated between tests) it is seeded again for each test that uses it.
"""

import shutil
import sqlite3

import pytest

from clinic import create_app
from clinic.extensions import db
from tests.conftest import PG_URL, TEST_NOW, base_config

from .helpers import csrf_token
from .world import PASSWORD, seed_world


@pytest.fixture(scope="session")
def seeded_template(database_template, tmp_path_factory):
    """SQLite: (path of a seeded copy of the migrated template, World). PostgreSQL: None."""
    if PG_URL:
        return None
    folder = tmp_path_factory.mktemp("seeded")
    path = folder / "seeded.sqlite3"
    source = sqlite3.connect(database_template)
    target = sqlite3.connect(path)
    with target:
        source.backup(target)
    source.close()
    target.close()
    app = create_app({**base_config(f"sqlite:///{path}", folder), "CLOCK": TEST_NOW})
    world = seed_world(app)
    with app.app_context():
        db.engine.dispose()
    checkpoint = sqlite3.connect(path)
    checkpoint.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    checkpoint.close()
    return path, world


@pytest.fixture
def seeded(seeded_template, make_app, tmp_path):
    """A factory: seeded_app(**config) -> (app, world) on this test's own copy of the seeded world."""

    def build(**config):
        if seeded_template is not None:
            path, world = seeded_template
            # make_app has put an unseeded copy of the template here: replace it (no app has opened it yet)
            target = tmp_path / "knotwork.sqlite3"
            source, copy = sqlite3.connect(path), sqlite3.connect(target)
            with copy:
                source.backup(copy)
            source.close()
            copy.close()
            if (path.parent / "documents").exists():  # the seeded documents' files go with the copy
                shutil.copytree(path.parent / "documents", tmp_path / "documents", dirs_exist_ok=True)
            return make_app(**config), world
        app = make_app(**config)
        return app, seed_world(app)

    return build


@pytest.fixture
def world_app(seeded):
    return seeded()


def log_in(web, email: str, password: str = PASSWORD):
    """Log a test client in through the login form (CSRF token read from the page when it is on)."""
    page = web.get("/login").get_data(as_text=True)
    data = {"email": email, "password": password}
    token = csrf_token(page)
    if token:
        data["csrf_token"] = token
    response = web.post("/login", data=data)
    assert response.status_code == 302, (email, response.status_code)
    return web


def portal_sign_in(app, client_id: int, web=None):
    """A test client signed in to the portal as `client_id`, through a fresh sign-in link."""
    from clinic.models import Client
    from clinic.portal import links

    with app.app_context():
        token = links.issue(db.session.get(Client, client_id))
        db.session.commit()
        db.session.remove()
    web = web or app.test_client()
    response = web.post(f"/p/in/{token}")
    assert response.status_code == 303, response.status_code
    return web
