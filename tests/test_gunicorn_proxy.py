"""Under gunicorn, forwarded headers count exactly as TRUSTED_PROXIES says, and not by gunicorn's defaults."""

from http.client import HTTPConnection

import pytest

from tests.conftest import PG_URL
from tests.gunicorn_server import running_gunicorn, server_env

CLAIMS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9", "X-Forwarded-Host": "evil.example"}


@pytest.mark.parametrize(("proxies", "believed"), [("0", False), ("1", True)], ids=["no proxy", "one proxy"])
def test_a_plain_request_claiming_https_is_believed_only_behind_a_trusted_proxy(
    app, tmp_path, proxies, believed
):
    env = server_env(tmp_path, PG_URL or app.config["SQLALCHEMY_DATABASE_URI"], TRUSTED_PROXIES=proxies)
    with running_gunicorn(env, tmp_path / "gunicorn.log", workers=1) as (port, _):
        connection = HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/login", headers=CLAIMS)
        response = connection.getresponse()
        response.read()
        connection.close()
    assert response.status == 200
    assert ("Strict-Transport-Security" in response.headers) is believed
