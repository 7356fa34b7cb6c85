"""The main navigation, by role. Features add their entries when their blueprint registers."""

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_login import current_user

from .access import ALL_ROLES


@dataclass(frozen=True)
class NavEntry:
    label: str
    endpoint: str
    roles: frozenset[str]
    order: int


NAV: list[NavEntry] = []


def add_nav(label: str, endpoint: str, roles: tuple[str, ...], order: int) -> None:
    if not any(entry.endpoint == endpoint for entry in NAV):
        NAV.append(NavEntry(label, endpoint, frozenset(roles), order))
        NAV.sort(key=lambda entry: entry.order)


add_nav("Home", "home.index", ALL_ROLES, 0)
add_nav("Staff", "admin.users", ("owner",), 80)
add_nav("Audit log", "admin.audit_log", ("owner",), 90)


def _active(entries: list[NavEntry]) -> NavEntry | None:
    """The entry of this page: its own endpoint, else the first entry of the same blueprint."""
    for entry in entries:
        if entry.endpoint == request.endpoint:
            return entry
    here = (request.blueprint or "").split(".")[0]
    for entry in entries:
        if entry.endpoint != "home.index" and entry.endpoint.split(".")[0] == here:
            return entry
    return None


def register_navigation(app: Flask) -> None:
    @app.context_processor
    def _navigation():
        def nav_items():
            if not current_user.is_authenticated:
                return []
            entries = [entry for entry in NAV if current_user.role in entry.roles]
            return [
                {"label": e.label, "url": url_for(e.endpoint), "active": e is _active(entries)}
                for e in entries
            ]

        return {"nav_items": nav_items}
