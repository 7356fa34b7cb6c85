"""The main navigation, by role.

One way to add an entry: the module that holds the entry's view calls ``add_nav(label, endpoint, roles,
order)`` at module level, next to its blueprint, so the entry exists as soon as the views are imported
(never inside a function or a ``bp.record`` callback). ``order`` places it: 0 Home, 10 Calendar,
20 Clients, 30 Recall, 70 Screening rules, 75 Messages, 80 Staff, 85 Settings and Export, 90 Audit log.
Adding the same endpoint twice keeps the first.
"""

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_login import current_user


@dataclass(frozen=True)
class NavEntry:
    label: str
    endpoint: str
    roles: frozenset[str]
    order: int


NAV: list[NavEntry] = []


def add_nav(label: str, endpoint: str, roles: tuple[str, ...], order: int) -> None:
    """Show a link to `endpoint` to the `roles`, at place `order` (call at import time, module level)."""
    if not any(entry.endpoint == endpoint for entry in NAV):
        NAV.append(NavEntry(label, endpoint, frozenset(roles), order))
        NAV.sort(key=lambda entry: entry.order)


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
