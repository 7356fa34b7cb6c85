"""Numbers from URLs, query strings and forms, kept within what the database can hold.

Ids are 32-bit on PostgreSQL (and 64-bit on SQLite): `/clients/9223372036854775808` reached the
database and answered 500 on about 30 routes. An id in a URL beyond MAX_ID matches no route (404,
like any missing record); a number in a query string beyond its range is a 400 that says so.
"""

from flask import request
from werkzeug.routing import IntegerConverter

from .errors import ShownBadRequest

MAX_ID = 2**31 - 1  # the largest id any table can hold on both databases


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a whole number from 0 to MAX_ID, or the URL does not match."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(url_map, fixed_digits, min, MAX_ID if max is None else max, signed)


def as_id(value: object) -> int | None:
    """A record id from a form, a query string or JSON; None when it is not a whole number an id can
    be (a bigger number must not reach the database as an error)."""
    if isinstance(value, bool):
        return None
    try:
        number = int(value) if isinstance(value, int) else int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def query_int(name: str, default: int | None = None, *, maximum: int = MAX_ID) -> int | None:
    """A whole number from the query string: `default` when absent or not a number, 400 when it is
    a number beyond what it can mean (below -maximum or above maximum)."""
    value = request.args.get(name, type=int)
    if value is None:
        return default
    if not -maximum <= value <= maximum:
        raise ShownBadRequest(f"{name}: give a number from {-maximum} to {maximum}.")
    return value


def register_number_converters(app) -> None:
    app.url_map.converters["int"] = IdConverter
