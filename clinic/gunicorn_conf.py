"""gunicorn settings for production: `gunicorn -c python:clinic.gunicorn_conf 'clinic:create_app()'`."""

import os

bind = os.environ.get("KNOTWORK_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("KNOTWORK_WORKERS", "4"))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
# The access log leaves out query strings (%(U)s is the path alone): a search term can be a name.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
# Each worker builds its own app and database engine after the fork: no connection crosses a fork.
preload_app = False
