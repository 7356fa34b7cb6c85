"""JSON request bodies: one parser for every API, bounded in size and depth, with a clear 400.

Python's json module recurses once per level of nesting, so `[[[[...]]]]` a thousand deep raised
RecursionError (a 500). Depth is counted before parsing, without recursion, and refused past
JSON_MAX_DEPTH. Views read bodies with json_object(), never request.get_json() (a test checks).
"""

import json
import re
from typing import Any

from flask import current_app, jsonify, request

# A JSON string (with its escapes), or one bracket: the brackets inside strings do not nest.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JSONBodyError(Exception):
    """A request body that is not the JSON an API accepts; says what is wrong for the caller."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def nesting_depth(text: str) -> int:
    """How deep arrays and objects nest in `text` (0 for a scalar), without recursing."""
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in ("]", "}"):
            depth -= 1
    return deepest


def parse(text: str | bytes, max_depth: int, max_bytes: int) -> Any:
    """Parse a JSON document, or raise JSONBodyError with a message a developer can act on."""
    if len(text) > max_bytes:
        raise JSONBodyError(f"The JSON body is larger than {max_bytes} bytes.", 413)
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise JSONBodyError("The JSON body is not UTF-8 text.") from None
    depth = nesting_depth(text)
    if depth > max_depth:
        raise JSONBodyError(f"The JSON body nests {depth} levels deep; at most {max_depth} are accepted.")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise JSONBodyError(
            f"The body is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        ) from None
    except RecursionError:  # unreachable within max_depth; never a 500 if the limit is raised
        raise JSONBodyError("The JSON body nests too deeply.") from None


def _limits() -> tuple[int, int]:
    config = current_app.config
    return config["JSON_MAX_DEPTH"], config["JSON_MAX_BYTES"]


def json_object(name: str = "body") -> dict[str, Any]:
    """The request's body as a JSON object; JSONBodyError (answered as JSON) when it is not one.

    :param name: what the API calls its body, named in the error when the JSON is not an object.
    """
    if not request.is_json:
        raise JSONBodyError("Send JSON (Content-Type: application/json).", 415)
    value = parse(request.get_data(cache=True), *_limits())
    if not isinstance(value, dict):
        raise JSONBodyError(f"{name}: expected a JSON object ({{...}}).")
    return value


def register_json_input(app) -> None:
    @app.errorhandler(JSONBodyError)
    def _json_body_error(error: JSONBodyError):
        return jsonify(error=str(error)), error.status
