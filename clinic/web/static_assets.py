"""Our static files under versioned URLs (`?v=` a digest of the file), cached for a year unrevalidated.

`url_for('static', filename=...)` adds the digest of the file's content, so a new release changes the
URL of every file it changed and nothing else: browsers keep the rest without asking again. A URL whose
digest is not the file's (an old page asking after a release, or no digest at all: a module imported
by a relative path) gets the file with `no-cache`, so it is checked against its ETag each time and is
never stale. Digests are computed once per process (per request under the debug server, where files
change while it runs).
"""

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, request
from werkzeug.security import safe_join

IMMUTABLE_MAX_AGE = 365 * 24 * 3600


def _digest(folder: str, filename: str) -> str | None:
    path = safe_join(folder, filename)
    if path is None:
        return None
    try:
        content = Path(path).read_bytes()
    except OSError:
        return None
    return hashlib.sha256(content).hexdigest()[:12]


def register_static_versions(app: Flask) -> None:
    if app.static_folder is None:
        return
    cached = cache(lambda filename: _digest(app.static_folder, filename))

    def digest(filename: str) -> str | None:
        return _digest(app.static_folder, filename) if app.debug else cached(filename)

    @app.url_defaults
    def _add_version(endpoint, values):
        if endpoint == "static" and "v" not in values and "filename" in values:
            version = digest(values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def _cache_versioned(response):
        if request.endpoint != "static" or response.status_code != 200:
            return response
        filename = (request.view_args or {}).get("filename", "")
        version = request.args.get("v")
        if version and version == digest(filename):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = IMMUTABLE_MAX_AGE
            response.cache_control.immutable = True
        else:
            response.cache_control.no_cache = True
            response.cache_control.max_age = None
        return response
