"""Template helpers of the visit pages: the body map SVG, the points of a form, page panels."""

from flask import Flask, current_app, render_template, url_for
from markupsafe import Markup

from .. import bodymap
from ..rules.reasons import reason_groups
from ..rules.sides import MIDLINE_BAND, MIDLINE_X
from ..rules.vocabulary import CONDITIONS
from ..web.panels import panels_for
from .forms import PLAN_REGION_CHOICES, TECHNIQUE_CHOICES, PointForm


def bodymap_svg(view: str, points, faded=()) -> Markup:
    """The body map of one view with numbered points.

    render_svg builds the SVG from our own geometry and escapes every piece of text it inserts
    (tests/test_bodymap.py feeds it markup), so its output is marked safe here and nowhere else.
    """
    # The fixed outline is a cached static file the figure <use>s (not 24 KB inlined in every note).
    outline = url_for("static", filename=bodymap.OUTLINE_ASSET)
    return Markup(bodymap.render_svg(view, _points(points), _points(faded), outline_href=outline))  # noqa: S704


def _points(points) -> list[bodymap.Point]:
    """Points that can be drawn; a posted form may hold anything, so bad ones are left out."""
    shown = []
    for number, point in enumerate(points, start=1):
        get = point.get if isinstance(point, dict) else lambda name, p=point: getattr(p, name, None)
        values = {
            "view": get("view") or None,
            "x": get("x"),
            "y": get("y"),
            "number": get("number") or number,
            "region": get("region") or None,
        }
        if values["view"] is None and values["region"] is None:
            continue
        try:
            shown.append(bodymap.as_point(values))
        except (ValueError, TypeError):
            continue
    return shown


def form_points(form) -> list[dict]:
    """The points typed into a note form (numbered in list order), for the markers."""
    points = []
    for number, entry in enumerate(form.points, start=1):
        data = entry.form.data
        points.append({**data, "number": number})
    return points


def blank_point_form() -> PointForm:
    return PointForm(prefix="points-__prefix__-")


def blank_point_row() -> Markup:
    """The empty row the visit form's script copies for a new point. It is the same on every request
    (no data, no token), so it is rendered once per app, not with every form (outside debug mode, where
    templates change under it)."""
    app = current_app._get_current_object()
    row = app.extensions.get("knotwork_blank_point_row")
    if row is None or app.debug:
        html = render_template("visits/_point_row.html", p=blank_point_form(), number="")
        row = Markup(html)  # noqa: S704  (the output of an autoescaped template)
        app.extensions["knotwork_blank_point_row"] = row
    return row


def shared_reasons(form, result: dict | None) -> dict[int, dict]:
    """{plan item index: its reason group} for items that share findings with another one.

    Each entry: "leader" (the index where one reason is typed for all), "size", and "label", the
    conditions in words ("Anticoagulant"), for the "same reason for all" choice."""
    outcomes = (result or {}).get("items") or []
    entries = [e.form for e in form.plan_items if e.form.technique.data or e.form.region.data]
    if len(outcomes) < len(entries):
        return {}
    items = [{"decision": e.decision.data or "proceed"} for e in entries]
    groups = {}
    for leader, members in reason_groups(items, outcomes[: len(entries)]).items():
        if len(members) < 2:
            continue
        codes = sorted({f.get("condition") for f in outcomes[leader].get("findings") or []} - {None})
        label = " and ".join(CONDITIONS[c][0] if c in CONDITIONS else c.replace("_", " ") for c in codes)
        for index in members:
            groups[index] = {"leader": leader, "size": len(members), "label": label}
    return groups


def default_sharing(form, visit) -> None:
    """Tick "same reason for all" where the group's saved reasons agree (or none is given yet)."""
    items = visit.plan_items or []
    outcomes = (visit.screening or {}).get("items") or []
    if len(items) != len(outcomes) or len(form.plan_items) != len(items):
        return
    for leader, members in reason_groups(items, outcomes).items():
        given = {items[i].get("reason") or "" for i in members} - {""}
        form.plan_items[leader].form.share.data = len(given) <= 1


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        bodymap_svg=bodymap_svg,
        form_points=form_points,
        blank_point_row=blank_point_row,
        bodymap_midline={"x": MIDLINE_X, "band": MIDLINE_BAND},
        technique_choices=lambda: TECHNIQUE_CHOICES,
        shared_reasons=shared_reasons,
        plan_region_choices=lambda: PLAN_REGION_CHOICES,
        alert_panels=lambda client: panels_for("alerts", client=client),
        visit_actions=lambda visit: panels_for("visit_actions", visit=visit),
        visit_panels=lambda visit: panels_for("visit", visit=visit),
        follow_up_panels=lambda visit: panels_for("follow_ups", visit=visit),
    )
