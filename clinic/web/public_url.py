"""Absolute links that leave the app (self-intake, calendar feeds, every link an e-mail carries).

They are built from the configured PUBLIC_BASE_URL, never from the request: a Host or X-Forwarded-Host
header is the sender's to choose, and `Host: evil.example` once put a client's private intake link on
an attacker's domain. They build the same in a request and in the background worker.
"""

from urllib.parse import urlsplit

from flask import Flask, current_app

LOCAL_TRIAL_BASE = "http://127.0.0.1:5000"  # `make run`
TESTING_BASE = "http://localhost"  # the test client's own


def public_url(endpoint: str, **values) -> str:
    """The absolute URL of `endpoint` under PUBLIC_BASE_URL."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def configure_public_base_url(app: Flask) -> None:
    """Check PUBLIC_BASE_URL; local trials and tests have a default, a real deployment must set it."""
    base = app.config.get("PUBLIC_BASE_URL")
    if not base:
        if app.testing:
            base = TESTING_BASE
        elif app.debug:
            base = LOCAL_TRIAL_BASE
        else:
            raise RuntimeError(
                "PUBLIC_BASE_URL is not set: the address clients use to reach Knotwork, for the links "
                "in e-mails and feeds (CLINIC_PUBLIC_BASE_URL=https://clinic.example.org)."
            )
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise RuntimeError(f"PUBLIC_BASE_URL: expected an address like https://clinic.example.org: {base!r}")
    app.config["PUBLIC_BASE_URL"] = base.rstrip("/")
