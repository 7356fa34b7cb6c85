"""gunicorn settings for production: `gunicorn -c python:clinic.gunicorn_conf 'clinic:create_app()'`."""

import gc
import os

# Not `from . import config`: gunicorn takes every name of this module that is one of its settings,
# and "config" is one.
from .config import KNOTWORK_BIND, KNOTWORK_WORKERS

# Read before any app exists, so straight from the environment; the defaults and their documentation
# are in clinic/config.py and the README.
bind = os.environ.get("KNOTWORK_BIND", KNOTWORK_BIND)
workers = int(os.environ.get("KNOTWORK_WORKERS", KNOTWORK_WORKERS))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
# No gunicorn access log: its lines would carry private link tokens and search terms. The app logs
# every request itself, with the path only and tokens masked (clinic/web/logging.py).
accesslog = None
errorlog = "-"
# Which proxy headers to believe is the app's decision alone (TRUSTED_PROXIES, werkzeug's ProxyFix in
# clinic/web/security.py): gunicorn trusts none, from any address. Its default believes X-Forwarded-Proto
# from 127.0.0.1, so a plain HTTP request claiming https got HSTS with TRUSTED_PROXIES = 0.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}
# Each worker builds its own app and database engine after the fork: no connection crosses a fork.
preload_app = False


def post_worker_init(_worker) -> None:
    """Once the worker has built its app: everything loaded so far (modules, templates, the clinical
    vocabulary) is moved out of the garbage collector's reach. A full collection otherwise walks all
    of it and stalls the request that triggers it (65 ms here, on a busy week's calendar), which is
    what sets the p95 of the pages that build many objects (docs/performance.md)."""
    gc.freeze()
