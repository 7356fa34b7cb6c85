"""Application logging: one line per request, a request id, and never clinical data.

Log lines carry the method, the path without its query string (a search term can be a client's
name), the status and the duration. Nothing from forms, cookies or query strings is logged.
"""

import logging
import secrets
import time

from flask import Flask, g, request


class RequestIdFilter(logging.Filter):
    """Adds the current request id (or '-') to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:  # outside a request or app context
            record.request_id = "-"
        return True


def loggable_path() -> str:
    """The path, with any secret token (self-intake links, calendar feeds) replaced by its rule."""
    if request.url_rule is not None and request.view_args and "token" in request.view_args:
        return request.url_rule.rule
    return request.path


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("clinic")
    logger.handlers[:] = [handler]
    logger.setLevel(app.config["LOG_LEVEL"])
    logger.propagate = False
    # Werkzeug's development server logs each request line with its query and any private token;
    # the line above replaces it.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    @app.before_request
    def _start_request():
        g.request_id = secrets.token_hex(8)
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        started = g.get("request_started")
        if started is not None and app.config["LOG_REQUESTS"]:
            elapsed_ms = (time.perf_counter() - started) * 1000
            logger.info("%s %s %s %.1fms", request.method, loggable_path(), response.status_code, elapsed_ms)
        response.headers["X-Request-Id"] = g.get("request_id", "-")
        return response
