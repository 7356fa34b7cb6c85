"""Error pages: a calm page for people, JSON for the API, never a stack trace."""

import logging
import traceback

from flask import Flask, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError

logger = logging.getLogger("clinic.web.errors")

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    403: ("Not allowed", "Your role does not give access to this page."),
    404: ("Not found", "There is nothing here, or it belongs to another clinic."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    409: ("Conflict", "Someone changed this at the same time. Reload and try again."),
    413: ("Too large", "What you sent is larger than the clinic allows."),
    429: ("Too many attempts", "Too many attempts. Wait a few minutes, then try again."),
    500: ("Something went wrong", "The error was recorded. Nothing you typed was saved; please try again."),
}


class ShownBadRequest(BadRequest):
    """A 400 whose description is written for the person who sent the request (other descriptions
    are werkzeug's, for developers, and never shown)."""


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, message: str | None = None):
    title, default_text = MESSAGES.get(status, ("Error", "Something went wrong."))
    text = message or default_text
    if wants_json():
        return make_response(jsonify(error=text), status)
    return make_response(render_template("errors/error.html", status=status, title=title, text=text), status)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return error_response(
            400, "The form expired or was sent from elsewhere. Reload the page and try again."
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        shown = error.description if isinstance(error, ShownBadRequest) else None
        response = error_response(error.code or 500, shown)
        if error.code == 429 and getattr(error, "retry_after", None):
            response.headers["Retry-After"] = str(error.retry_after)
        if error.code == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return _http(error)
        if isinstance(error, DBAPIError):
            # The driver's message can quote the failing row ("DETAIL: Failing row contains ..."):
            # log what failed and where, never the values.
            orig = error.orig
            logger.error(
                "database error %s (SQLSTATE %s)\n%s",
                type(orig).__name__,
                getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", "?"),
                "".join(traceback.format_tb(error.__traceback__)),
            )
        else:
            logger.exception("unhandled error")
        from ..extensions import db

        db.session.rollback()
        return error_response(InternalServerError.code)
