"""The app factory, configuration precedence, secret key rules, error pages and headers."""

import os
import stat

import pytest

from clinic import create_app
from tests.conftest import TEST_ENCRYPTION_KEYS

KEYS = f"ENCRYPTION_KEYS = '{TEST_ENCRYPTION_KEYS}'\n"
PUBLIC = "PUBLIC_BASE_URL = 'https://clinic.example.org'\n" + KEYS


def write_instance_config(instance, text):
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.py").write_text(text)


@pytest.fixture
def instance(tmp_path, monkeypatch):
    path = tmp_path / "instance"
    monkeypatch.setenv("CLINIC_INSTANCE_PATH", str(path))
    for name in list(os.environ):
        if name.startswith("CLINIC_") and name != "CLINIC_INSTANCE_PATH" or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    return path


def test_defaults_then_instance_config_then_environment(instance, monkeypatch):
    write_instance_config(
        instance, f"SECRET_KEY = 'k' * 40\nPAGE_SIZE = 77\nLOGIN_MAX_FAILURES_PER_IP = 9\n{PUBLIC}"
    )
    app = create_app()
    assert app.config["PAGE_SIZE"] == 77
    assert app.config["LOGIN_MAX_FAILURES_PER_IP"] == 9
    assert app.config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024  # default kept
    monkeypatch.setenv("CLINIC_PAGE_SIZE", "88")
    app = create_app()
    assert app.config["PAGE_SIZE"] == 88
    assert app.config["LOGIN_MAX_FAILURES_PER_IP"] == 9


def test_database_url_default_is_sqlite_in_instance_and_env_wins(instance, monkeypatch):
    write_instance_config(instance, f"SECRET_KEY = 'k' * 40\n{PUBLIC}")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'knotwork.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", "postgresql://someone@db.example/clinic")
    app = create_app()  # a database not reachable yet does not stop the start (no key check then)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://someone@db.example/clinic"


def test_test_config_replaces_instance_config(instance):
    write_instance_config(instance, "PAGE_SIZE = 77\n")
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["PAGE_SIZE"] == 50


def test_production_needs_the_public_address_and_makes_cookies_secure(instance):
    write_instance_config(instance, "SECRET_KEY = 'k' * 40\n")
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL is not set"):
        create_app()
    write_instance_config(instance, "SECRET_KEY = 'k' * 40\nPUBLIC_BASE_URL = 'clinic.example.org'\n")
    with pytest.raises(RuntimeError, match="expected an address like"):
        create_app()
    write_instance_config(
        instance, "SECRET_KEY = 'k' * 40\nPUBLIC_BASE_URL = 'https://clinic.example.org/'\n" + KEYS
    )
    app = create_app()
    assert app.config["PUBLIC_BASE_URL"] == "https://clinic.example.org"
    assert app.config["SESSION_COOKIE_SECURE"] is True  # HTTPS by default outside local trials
    write_instance_config(
        instance,
        "SECRET_KEY = 'k' * 40\nPUBLIC_BASE_URL = 'http://10.0.0.5'\nSESSION_COOKIE_SECURE = False\n" + KEYS,
    )
    assert create_app().config["SESSION_COOKIE_SECURE"] is False  # the documented plain-HTTP opt-out


def test_a_local_trial_has_a_local_address_and_plain_cookies(instance, monkeypatch):
    monkeypatch.setenv("CLINIC_DEBUG", "true")
    app = create_app()
    assert app.config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_production_refuses_missing_or_short_secret_key(instance):
    with pytest.raises(RuntimeError, match="SECRET_KEY is missing"):
        create_app()
    write_instance_config(instance, "SECRET_KEY = 'short'\n")
    with pytest.raises(RuntimeError, match="shorter than 32"):
        create_app()


def test_debug_run_generates_a_private_secret_key_once(instance, monkeypatch):
    monkeypatch.setenv("CLINIC_DEBUG", "true")
    first = create_app()
    key_file = instance / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.config["SECRET_KEY"]) >= 32
    second = create_app()
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_debug_run_generates_a_private_encryption_key_once(instance, monkeypatch):
    monkeypatch.setenv("CLINIC_DEBUG", "true")
    first = create_app()
    keys_file = instance / "encryption_keys"
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    assert keys_file.read_text().startswith("local-1:")
    second = create_app()
    assert second.extensions["knotwork.keyring"].keys == first.extensions["knotwork.keyring"].keys
    assert len(second.extensions["knotwork.keyring"].keys["local-1"]) == 32


def test_unknown_page_gets_the_404_page(web):
    response = web.get("/no-such-page")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


def test_500_page_is_calm(app, web, login_as, therapist):
    @app.get("/explode")
    def explode():
        raise RuntimeError("secret internals")

    login_as(therapist)
    response = web.get("/explode")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in body
    assert "secret internals" not in body and "Traceback" not in body


def test_request_too_large_gets_413(web):
    response = web.post("/login", data={"email": "x@example.test", "password": "p" * (3 * 1024 * 1024)})
    assert response.status_code == 413


def test_api_errors_are_json(web, login_as, therapist):
    login_as(therapist)
    response = web.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.is_json and "error" in response.get_json()


def test_request_log_masks_private_tokens(app, web, caplog):
    import logging

    app.config["LOG_REQUESTS"] = True
    with caplog.at_level(logging.INFO, logger="clinic"):
        web.get("/i/secret-token-value-123")
        web.get("/feeds/another-secret-456.ics")
        web.get("/login?next=/clients")
    text = caplog.text
    assert "secret-token-value-123" not in text and "another-secret-456" not in text
    assert "GET /i/<token>" in text and "GET /login 200" in text


def test_gunicorn_workers_freeze_what_the_app_loaded():
    """A full garbage collection must not walk the app's modules and vocabulary on a request."""
    import gc

    from clinic import gunicorn_conf

    gc.unfreeze()
    try:
        gunicorn_conf.post_worker_init(None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
