"""Page panels that features contribute to shared pages (the home page, the client page).

A feature registers a panel with the roles that may see it and a loader that fetches its data,
so the page's own view stays small and a feature never edits another feature's template.

One way to register: a feature's panels module (``<feature>/panels.py``, or a ``*_panel.py`` module)
calls ``add_panel(page, template, roles, order, loader)`` at module level, and the module that defines
the feature's blueprint imports it (for a package blueprint, at the bottom of ``__init__.py`` with the
view modules). Never inside a function or a ``bp.record`` callback: the panels then exist as soon as
the feature is imported, whichever app or test imports it. Registering the same template twice on a
page keeps the first. Pages: "home", "client", "visit", "visit_actions", "alerts", "follow_ups".
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_login import current_user


@dataclass(frozen=True)
class Panel:
    template: str
    roles: frozenset[str]
    order: int
    # loader(**page_context) -> dict for the template, or None to hide the panel on this page
    loader: Callable[..., dict[str, Any] | None] | None = field(default=None, compare=False)


_PANELS: dict[str, list[Panel]] = {}


def add_panel(page: str, template: str, roles: tuple[str, ...], order: int, loader=None) -> None:
    """Show `template` on `page` to the `roles`, in `order`; `loader(**page_context)` gives its data
    (None hides it on that page). Call at import time, at module level."""
    panels = _PANELS.setdefault(page, [])
    if any(panel.template == template for panel in panels):
        return
    panels.append(Panel(template, frozenset(roles), order, loader))
    panels.sort(key=lambda panel: panel.order)


def panels_for(page: str, **context: Any) -> list[tuple[str, dict[str, Any]]]:
    """The (template, data) pairs of `page` that the current user's role may see."""
    shown = []
    for panel in _PANELS.get(page, []):
        if current_user.role not in panel.roles:
            continue
        data = panel.loader(**context) if panel.loader else {}
        if data is not None:
            shown.append((panel.template, data))
    return shown
