"""Documented defaults. instance/config.py overrides them, then CLINIC_* environment variables.

Every key here can be set in instance/config.py (see instance/config.py.example) or as an
environment variable with the CLINIC_ prefix, e.g. CLINIC_MAX_CONTENT_LENGTH=4194304. Values of
environment variables are parsed as JSON when they can be (numbers, true/false), else kept as text.
"""

from datetime import timedelta

# Signs the session cookie and CSRF tokens. At least 32 characters outside debug and testing.
# When unset, a random key is generated into instance/secret_key on the first local (debug) run.
SECRET_KEY: str | None = None
MIN_SECRET_KEY_LENGTH = 32

# Keys that seal clinical free text at rest (AES-256-GCM): "<id>:<base64url 32 bytes>", several
# separated by commas, the first sealing new text, the others only opening older text until
# `flask encryption rotate` has moved it. Required outside debug and testing; when unset, a key is
# generated into instance/encryption_keys on the first local (debug) run. `flask encryption
# new-key` prints a key. Keep the keys apart from the database's backups.
ENCRYPTION_KEYS: str | None = None

# SQLAlchemy database URL. Unset means SQLite at instance/knotwork.sqlite3. DATABASE_URL in the
# environment (postgresql://user@host/db) takes precedence over this key.
SQLALCHEMY_DATABASE_URI: str | None = None
SQLITE_BUSY_TIMEOUT_MS = 10_000

# Errors reach our own error pages, never a traceback, even under the local debug server.
PROPAGATE_EXCEPTIONS = False

# Sessions: a signed cookie that carries only the user id, the user's session version and two
# timestamps. The server ends a session after 30 idle minutes or 12 hours in all.
SESSION_COOKIE_NAME = "knotwork_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Secure flag of the session cookie. None: Secure everywhere but local trials (debug) and tests.
# False is for a plain-HTTP set-up on a private network only (the cookie then crosses it in clear).
SESSION_COOKIE_SECURE: bool | None = None
PERMANENT_SESSION_LIFETIME = timedelta(minutes=30)
# The cookie is sent again only when the session changes (last-seen moves at most once a
# minute, see clinic/auth/sessions.py), not signed afresh on every response.
SESSION_REFRESH_EACH_REQUEST = False
SESSION_LAST_SEEN_RESOLUTION = timedelta(minutes=1)
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
REMEMBER_COOKIE_DURATION = timedelta(seconds=0)  # no "remember me": every session ends

# Responses compressed when the browser accepts it (Flask-Compress): pages, CSS, JS, SVG, JSON. The
# levels are the fast ones: the largest pages (a week of six therapists, 170 KB; the visit form,
# 110 KB) take 0.2 ms with zstd 3, 0.6 ms with brotli 3, about 0.7 ms with gzip 1 (2 ms at gzip 6)
# for 85-92% fewer bytes. BREACH needs the victim's browser to send many cross-site requests with
# its cookie and a guess reflected in the page: SameSite=Lax keeps the cookie off those.
COMPRESS_MIMETYPES = [
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
]
COMPRESS_ALGORITHM = ["zstd", "br", "gzip"]
COMPRESS_ZSTD_LEVEL = 3
COMPRESS_BR_LEVEL = 3
COMPRESS_LEVEL = 1  # gzip
# Not streamed responses (our static files): Flask-Compress 1.25 wraps the file in a generator that
# leaves it unclosed (a ResourceWarning per file). Static files are cached for a year (static_assets).
COMPRESS_STREAMS = False

# CSRF tokens live as long as the longest session, so a long intake form can still be saved.
WTF_CSRF_TIME_LIMIT = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())

# Largest request body accepted (413 beyond it).
MAX_CONTENT_LENGTH = 2 * 1024 * 1024

# Public routes (links in e-mails): hits of one kind allowed per address in 10 minutes (429 beyond).
PUBLIC_MAX_HITS_PER_IP = 30
# The client portal: a session ends after this long without a page, and at most this long after sign-in.
PORTAL_IDLE_TIMEOUT = timedelta(minutes=20)
PORTAL_ABSOLUTE_TIMEOUT = timedelta(hours=2)
# Sign-in links asked for from one address (IP) within 10 minutes.
PORTAL_MAX_REQUESTS_PER_IP = 10

# Days a client's aftercare link (sent by e-mail after a visit is signed) stays open. The sheet holds
# the client's first name, what was treated and their next appointments: a link older than this is
# more likely to be in a forwarded or leaked mail than to be needed, and the clinic can send a new one.
AFTERCARE_LINK_DAYS = 14

# JSON request bodies (clinic/web/json_input.py): larger or deeper bodies get a 413 or a 400.
JSON_MAX_BYTES = 64 * 1024
JSON_MAX_DEPTH = 16

# Login throttling, counted in the database so it holds across worker processes.
LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
LOGIN_MAX_FAILURES_PER_IP = 50

# Password reset by e-mail: links asked for one account per hour, and asks per address per 10 minutes.
PASSWORD_RESET_MAX_PER_ACCOUNT = 3
PASSWORD_RESET_MAX_PER_IP = 10

# Self-intake forms (clinic/intake/links.py): a person sends one form, so more than this many sent from
# one IP address to one clinic within 10 minutes are refused.
SELF_INTAKE_MAX_SUBMISSIONS_PER_IP = 10

# Logging (clinic/web/logging.py), to standard error: the level of the app's "clinic" logger (DEBUG, INFO,
# WARNING, ERROR), and whether each request is logged as one line (method, path with any private token
# replaced by its route, status, milliseconds). The benches set WARNING; the tests turn request lines off.
LOG_LEVEL = "INFO"
LOG_REQUESTS = True

# gunicorn (clinic/gunicorn_conf.py) reads these two from the environment without the CLINIC_ prefix,
# before any app exists (instance/config.py does not set them): KNOTWORK_BIND, the address it listens
# on, and KNOTWORK_WORKERS, how many worker processes. The values here are their defaults.
KNOTWORK_BIND = "127.0.0.1:8000"
KNOTWORK_WORKERS = 4

# argon2id cost (argon2-cffi's RFC 9106 low-memory profile). Tests lower it to stay fast.
ARGON2_TIME_COST = 3
ARGON2_MEMORY_COST_KIB = 65_536
ARGON2_PARALLELISM = 4

# The address clients and staff use to reach Knotwork, e.g. https://clinic.example.org: every link
# that leaves the app (self-intake, calendar feeds, e-mails) is built on it, never on the request's
# Host header. Required outside local trials (debug: http://127.0.0.1:5000) and tests.
PUBLIC_BASE_URL: str | None = None

# Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted.
# 0 (default) trusts none: the peer address is the client address.
TRUSTED_PROXIES = 0

# The app's clock (clinic/clock.py). None: the system clock. Tests set a callable; a server started
# for a test or a screenshot can be given an ISO 8601 instant (CLINIC_CLOCK=2027-03-28T02:30:00+00:00)
# at which its clock stands still. Never set it in production (a warning is logged at start).
CLOCK = None

# Messages to clients (clinic/messages/), delivered by the worker (`flask --app clinic worker`).
# MAIL_TRANSPORT: "smtp" sends through SMTP_*; "mailbox" keeps every mail in the owner's mailbox page
# instead (local trials). Unset: "smtp" when SMTP_HOST is set, else "mailbox" (a warning at start
# outside local trials: nothing reaches clients until SMTP is configured).
MAIL_TRANSPORT: str | None = None
MAIL_FROM: str | None = None  # the sender address; unset: knotwork@<host of PUBLIC_BASE_URL>
MAIL_ID_DOMAIN: str | None = None  # right-hand side of Message-IDs; unset: host of PUBLIC_BASE_URL
SMTP_HOST: str | None = None
SMTP_PORT = 587
SMTP_SECURITY = "starttls"  # starttls | tls (implicit, port 465) | none (a relay on localhost only)
SMTP_USERNAME: str | None = None
SMTP_PASSWORD: str | None = None
SMTP_TIMEOUT = 20
# SMS: None (off), "twilio" (TWILIO_*), or "mailbox" (local trials: texts land in the mailbox page).
SMS_PROVIDER: str | None = None
TWILIO_ACCOUNT_SID: str | None = None
TWILIO_AUTH_TOKEN: str | None = None
TWILIO_FROM: str | None = None  # the sending number, E.164
TWILIO_API_BASE = "https://api.twilio.com"
SMS_TIMEOUT = 15
# Waits before each new try of a message that failed for now (a mail server down, a 4xx reply);
# after the last one it is marked failed in the outbox. None: clinic/rules/messaging.py's schedule
# (1, 5, 30 and 120 minutes). Drills shorten them, e.g. [2, 2, 2, 2].
MESSAGE_RETRY_WAIT_SECONDS: list[int] | None = None
# The task queue: a SQLite file in the instance folder (QUEUE_FILE, default instance/queue.sqlite3),
# or Redis when REDIS_URL is set (several app servers and workers). REDIS_URL in the environment (no
# prefix, as hosting platforms set it) wins over this key and CLINIC_REDIS_URL, outside tests
# (clinic/__init__.py, with DATABASE_URL).
QUEUE_FILE: str | None = None
REDIS_URL: str | None = None
# Whole-clinic exports (clinic/exports/): the ZIP holds every health record in plain form, so it is
# kept only until its one download, or EXPORT_EXPIRY_HOURS after it is ready, whichever comes first.
# EXPORT_DIR: where the files are built (default instance/exports; the worker and the web servers
# must share it, like the SQLite queue file).
EXPORT_EXPIRY_HOURS = 24
EXPORT_DIR: str | None = None

# Documents on the record (clinic/documents/): PDF, JPEG, PNG and HEIC (phone photos, stored as JPEG).
# DOCUMENT_MAX_BYTES: the largest file taken (a bigger one is refused next to the field; the upload
# request alone may be this large, every other request keeps MAX_CONTENT_LENGTH).
# DOCUMENT_MAX_PIXELS: the largest image (width x height) decoded; more is refused as a possible
# decompression bomb (a 48-megapixel phone photo is 48,000,000; Pillow refuses beyond its own
# Image.MAX_IMAGE_PIXELS, 89 million, whatever this says). DOCUMENT_STORE: "filesystem" keeps the
# files, each encrypted with its own key, in DOCUMENT_PATH (unset: instance/documents, outside the
# static folder; never served but through the audited download route); "s3" keeps them, encrypted the
# same way, in the S3-compatible bucket DOCUMENT_S3_BUCKET (DOCUMENT_S3_ENDPOINT_URL for a provider
# other than AWS, e.g. MinIO; DOCUMENT_S3_PREFIX before each key; credentials the usual boto3 way:
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an instance role). `pip install '.[s3]'` adds boto3.
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_MAX_PIXELS = 50_000_000
DOCUMENT_STORE = "filesystem"
DOCUMENT_PATH: str | None = None
DOCUMENT_S3_BUCKET = ""
DOCUMENT_S3_PREFIX = "documents/"
DOCUMENT_S3_ENDPOINT_URL: str | None = None
DOCUMENT_S3_REGION: str | None = None

# Rows per page in lists, one place for every paged list. PAGE_SIZE: the client list. RECALL_PAGE_SIZE:
# the recall list (the front desk's home counts its clients up to one page, shown as "100+").
# AUDIT_PAGE_SIZE: the owner's audit log. OUTBOX_PAGE_SIZE: the message outbox and the local mailbox.
PAGE_SIZE = 50
RECALL_PAGE_SIZE = 100
AUDIT_PAGE_SIZE = 100
OUTBOX_PAGE_SIZE = 50

# Client import (clinic/client_import/): the largest CSV accepted (the app-wide MAX_CONTENT_LENGTH is
# raised for that one route only), the most rows in one import, and how long an upload waits to be
# confirmed before its text is dropped. The row limit keeps one import's hold on SQLite's write lock
# (about 4 s per 20,000 rows here, docs/performance.md) well inside SQLITE_BUSY_TIMEOUT_MS, which is
# how long another writer waits before it gets an error; a larger list is imported in several files.
IMPORT_MAX_BYTES = 20 * 1024 * 1024
IMPORT_MAX_ROWS = 25_000
IMPORT_UPLOAD_HOURS = 24
# A run that has not finished after this long had its worker stopped under it (nothing of it was saved:
# it is one transaction); its progress page says so instead of waiting forever.
IMPORT_STALLED_MINUTES = 15
