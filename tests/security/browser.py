"""One small "browser" interface over the Flask test client and over real HTTP (gunicorn drills).

It keeps cookies, reads the CSRF token from every HTML page it sees and sends it with each POST,
and records every URL it requested and every Location it was sent to (for the canary checks).
"""

import base64
import json
import re
import zlib
from dataclasses import dataclass, field
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from .helpers import csrf_token


@dataclass
class Page:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str, default: str = "") -> str:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return default

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def mimetype(self) -> str:
        return self.header("Content-Type").split(";")[0].strip()

    @property
    def location(self) -> str:
        return self.header("Location")

    def json(self):
        return json.loads(self.body)


@dataclass
class Browser:
    """Base: subclasses implement _send(method, path, body, headers) -> Page and keep `cookies`."""

    cookies: dict[str, str] = field(default_factory=dict)
    visited: list[str] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    token: str | None = None
    set_cookies: list[str] = field(default_factory=list)  # every Set-Cookie header received

    def request(self, method: str, path: str, data=None, json_body=None, headers=None) -> Page:
        headers = dict(headers or {})
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
            if self.token:
                headers.setdefault("X-CSRFToken", self.token)
        elif data is not None or method == "POST":
            fields = dict(data or {})
            if self.token and "csrf_token" not in fields:
                fields["csrf_token"] = self.token
            body = urlencode(fields, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.visited.append(path)
        page = self._send(method, path, body, headers)
        if page.location:
            self.visited.append(page.location)
        if page.mimetype == "text/html":
            found = csrf_token(page.text)
            if found:
                self.token = found
        self.pages.append(page)
        return page

    def get(self, path: str, **kw) -> Page:
        return self.request("GET", path, **kw)

    def post(self, path: str, data=None, **kw) -> Page:
        return self.request("POST", path, data=data, **kw)

    def _send(self, method, path, body, headers) -> Page:  # pragma: no cover
        raise NotImplementedError

    def remember_cookies(self, set_cookie_headers) -> None:
        for header in set_cookie_headers:
            self.set_cookies.append(header)
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)

    def session_data(self, name: str = "knotwork_session") -> str:
        """The decoded payload of the signed session cookie (it is readable by anyone who has it)."""
        return decode_cookie(self.cookies.get(name, ""))


def decode_cookie(value: str) -> str:
    if not value:
        return ""
    compressed = value.startswith(".")
    payload = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(raw) if compressed else raw).decode("utf-8", "replace")


class FlaskBrowser(Browser):
    def __init__(self, app):
        super().__init__()
        self.web = app.test_client()

    def _send(self, method, path, body, headers) -> Page:
        response = self.web.open(path, method=method, data=body, headers=headers)
        page = Page(response.status_code, list(response.headers.items()), response.get_data())
        response.close()
        self.remember_cookies(response.headers.getlist("Set-Cookie"))
        return page


class HttpBrowser(Browser):
    def __init__(self, port: int, timeout: float = 15):
        super().__init__()
        self.port, self.timeout = port, timeout

    def _send(self, method, path, body, headers) -> Page:
        connection = HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            self.remember_cookies(response.headers.get_all("Set-Cookie") or [])
            return Page(response.status, list(response.getheaders()), data)
        finally:
            connection.close()


def links_in(html: str) -> list[str]:
    """Every href, src and form action of a page."""
    return re.findall(r'(?:href|src|action)="([^"]*)"', html)
