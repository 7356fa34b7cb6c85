"""Static files: versioned URLs cached for a year; anything else revalidated; HTML compressed."""

import hashlib
import re
from pathlib import Path

import clinic

STATIC = Path(clinic.__file__).parent / "static"


def digest(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def test_pages_link_static_files_by_their_content_digest(web):
    page = web.get("/login").get_data(as_text=True)
    assert f'href="/static/css/app.css?v={digest("css/app.css")}"' in page
    assert f'src="/static/js/app.js?v={digest("js/app.js")}"' in page
    assert not re.search(r'"/static/[^"?]+"', page)  # every static link carries its version


def test_a_versioned_file_is_cached_for_a_year_and_never_revalidated(web):
    response = web.get(f"/static/css/app.css?v={digest('css/app.css')}")
    assert response.status_code == 200
    cache = response.cache_control
    assert (cache.public, cache.max_age, cache.immutable, cache.no_cache) == (True, 31536000, True, None)
    assert "no-store" not in response.headers["Cache-Control"]
    response.close()


def test_an_old_or_missing_version_is_served_fresh_and_revalidated(web):
    for url in ("/static/css/app.css?v=0123456789ab", "/static/css/app.css"):
        response = web.get(url)
        assert response.status_code == 200
        assert response.cache_control.no_cache and not response.cache_control.immutable, url
        assert response.cache_control.max_age is None
        assert response.headers.get("ETag")
        response.close()
    assert web.get("/static/css/nothing.css?v=x").status_code == 404


def test_the_debug_server_follows_edits(make_app, tmp_path):
    app = make_app()
    app.debug = True
    app.static_folder = str(tmp_path)
    (tmp_path / "a.css").write_text("a{}")
    with app.test_request_context():
        from flask import url_for

        first = url_for("static", filename="a.css")
        (tmp_path / "a.css").write_text("b{}")
        assert url_for("static", filename="a.css") != first


def without_token(page: bytes) -> bytes:
    return re.sub(rb'(name="csrf_token"[^>]*? value=")[^"]+"', rb'\1"', page)


def test_pages_are_compressed_when_the_browser_accepts_it(web, login_as, therapist):
    import gzip

    import brotli

    login_as(therapist)
    plain = web.get("/account/password")
    assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.headers["Vary"]
    html = plain.get_data()
    assert without_token(html) != html  # the form's token is found, and left out of the comparison
    for accepts, encoding, decode in (
        ("gzip, deflate, br, zstd", "zstd", None),
        ("gzip, deflate, br", "br", brotli.decompress),
        ("gzip", "gzip", gzip.decompress),
    ):
        response = web.get("/account/password", headers={"Accept-Encoding": accepts})
        assert response.headers["Content-Encoding"] == encoding
        assert response.headers["Cache-Control"] == "no-store"  # still private
        assert int(response.headers["Content-Length"]) < len(html) / 2
        if decode:  # the same page, but for its CSRF token (signed with the second it was made in)
            assert without_token(decode(response.get_data())) == without_token(html)


def test_only_text_is_compressed(app):
    """PDFs are compressed inside already; PNG logos too; calendars and CSV exports are downloads."""
    assert {"text/html", "text/css", "application/javascript"} <= set(app.config["COMPRESS_MIMETYPES"])
    for kind in ("application/pdf", "image/png", "text/calendar", "text/csv"):
        assert kind not in app.config["COMPRESS_MIMETYPES"]


def test_static_files_are_sent_as_they_are(web):
    """Streamed files are left alone (Flask-Compress would leave each one open); they are cached."""
    response = web.get(f"/static/css/app.css?v={digest('css/app.css')}", headers={"Accept-Encoding": "br"})
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == (STATIC / "css/app.css").read_bytes()
    response.close()
