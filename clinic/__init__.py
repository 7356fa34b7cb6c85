"""Knotwork: practice management for trigger-point and massage therapists."""

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from . import config as default_config
from .clock import configured_clock
from .encryption import configure_encryption
from .extensions import compress, csrf, db, login_manager, migrate
from .storage.database import configure_sqlite, normalise_database_url
from .web.public_url import configure_public_base_url
from .web.request_numbers import register_number_converters

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, error handlers, commands.

    :param test_config: replaces instance/config.py and CLINIC_* variables (tests only).
    """
    instance_path = os.environ.get("CLINIC_INSTANCE_PATH") or str(PROJECT_ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.from_object(default_config)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("CLINIC")
        # Two unprefixed variables win, as hosting platforms set them (both documented in config.py).
        if os.environ.get("DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
        if os.environ.get("REDIS_URL") and not app.testing:
            app.config["REDIS_URL"] = os.environ["REDIS_URL"]
    else:
        app.config.update(test_config)

    _configure_database_url(app)
    _configure_secret_key(app)
    configure_public_base_url(app)
    _configure_cookie_security(app)
    configure_encryption(app)

    from .web.logging import configure_logging

    configure_logging(app)
    configured_clock(app)
    _register_extensions(app)
    from .encryption.startup import check_keys

    check_keys(app)  # a missing or wrong key stops here, not on a client's page
    register_number_converters(app)  # before the routes: every <int:...> is an id the database can hold
    _register_blueprints(app)

    from .messages import configure_messages
    from .web.errors import register_error_handlers
    from .web.json_input import register_json_input
    from .web.security import register_security
    from .web.static_assets import register_static_versions

    register_error_handlers(app)
    register_security(app)
    register_static_versions(app)
    register_json_input(app)
    configure_messages(app)
    return app


def _configure_database_url(app: Flask) -> None:
    url = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        # the default deployment: one SQLite file in the instance folder
        os.makedirs(app.instance_path, mode=0o700, exist_ok=True)
        url = "sqlite:///" + os.path.join(app.instance_path, "knotwork.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    # SQL errors would otherwise quote the bound values (client names, notes) into the logs.
    options.setdefault("hide_parameters", True)
    if url.startswith("postgres"):
        options.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _configure_secret_key(app: Flask) -> None:
    """Use the configured key, else instance/secret_key, generated on the first local run.

    Outside debug and testing a missing or short key stops the app: a guessable key would let
    anyone forge a session cookie.
    """
    key_path = Path(app.instance_path) / SECRET_KEY_FILE
    if not app.config.get("SECRET_KEY"):
        if key_path.exists():
            app.config["SECRET_KEY"] = key_path.read_text().strip()
        elif app.debug:
            key_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as key_file:
                key_file.write(secrets.token_urlsafe(48))
            app.config["SECRET_KEY"] = key_path.read_text().strip()
    key = app.config.get("SECRET_KEY") or ""
    if not (app.debug or app.testing) and len(key) < app.config["MIN_SECRET_KEY_LENGTH"]:
        raise RuntimeError(
            "SECRET_KEY is missing or shorter than "
            f"{app.config['MIN_SECRET_KEY_LENGTH']} characters. Set CLINIC_SECRET_KEY or SECRET_KEY "
            f"in {Path(app.instance_path) / 'config.py'}, or put a random key in {key_path}."
        )


def _configure_cookie_security(app: Flask) -> None:
    """The session cookie is Secure unless this is a local trial or a test, or the deployment opts out
    (SESSION_COOKIE_SECURE = False, for a plain-HTTP set-up only: the cookie then crosses the network
    in clear)."""
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        app.config["SESSION_COOKIE_SECURE"] = not (app.debug or app.testing)
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]


def _register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    # First registered, so its after_request runs last: it compresses the finished response.
    compress.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])

    from . import models  # noqa: F401  (registers the tables with the metadata)
    from .auth.sessions import init_sessions
    from .visits import due  # noqa: F401  (keeps each client's due date as visits change)

    init_sessions(app)
    from .auth.two_step_views import require_second_factor

    require_second_factor(app)


# Each feature's blueprint, as "module:attribute" (the order sets the order of their hooks).
BLUEPRINTS = (
    "clinic.auth:bp",
    "clinic.home.views:bp",
    "clinic.clients.views:bp",
    "clinic.client_import.views:bp",
    "clinic.intake:bp",
    "clinic.intake:public_bp",
    "clinic.screening.views:bp",
    "clinic.visits.views:bp",
    "clinic.schedule:bp",
    "clinic.schedule:api_bp",
    "clinic.schedule:feeds_bp",
    "clinic.followups:bp",
    "clinic.aftercare.views:bp",
    "clinic.aftercare.public:bp",
    "clinic.settings.views:bp",
    "clinic.admin:bp",
    "clinic.messages:bp",
    "clinic.messages.public:bp",
    "clinic.checkin.public:bp",
    "clinic.checkin.views:bp",
    "clinic.booking.public:bp",
    "clinic.booking.views:bp",
    "clinic.portal:bp",
    "clinic.portal.settings_views:bp",
    "clinic.reference:bp",
    "clinic.documents.views:bp",
    "clinic.exports.views:bp",
    "clinic.exports.cli:bp",
    "clinic.cli:bp",
    "clinic.encryption.cli:bp",
)


def _register_blueprints(app: Flask) -> None:
    from importlib import import_module

    from .access import register_access_control
    from .web.formatting import register_filters
    from .web.navigation import register_navigation

    for path in BLUEPRINTS:
        module_name, attribute = path.split(":")
        app.register_blueprint(getattr(import_module(module_name), attribute))
    register_access_control(app)
    register_navigation(app)
    register_filters(app)
