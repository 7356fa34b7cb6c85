"""The clinical reference the product carries: docs/clinical-reference.md (what the rules implement) and
docs/clinical-sources.md (the research behind them), shown in the app to every member of staff.

The files in docs/ are the one place these words live; the app renders them once per process (they
change only with a release). Their headings get stable ids, so a screening message can link a section.
"""

from functools import cache

import markdown
from flask import Blueprint, abort, render_template
from markupsafe import Markup

from .. import PROJECT_ROOT

bp = Blueprint("reference", __name__)
PAGES = {
    "reference": ("clinical-reference.md", "Clinical reference"),
    "sources": ("clinical-sources.md", "Clinical sources"),
}


@cache
def rendered(name: str) -> Markup:
    """The page as HTML: our own file in the repository, not user input, so it is trusted markup (and
    marked so here, where the trust is decided, never in a template)."""
    filename, _title = PAGES[name]
    text = (PROJECT_ROOT / "docs" / filename).read_text(encoding="utf-8")
    text = text.replace("](clinical-sources.md)", "](/reference/sources)")
    html = markdown.markdown(text, extensions=["tables", "toc", "sane_lists"], output_format="html")
    return Markup(html)  # noqa: S704 (the repository's own file, not user input)


@bp.get("/reference")
def reference():
    return render_template("reference/page.html", title=PAGES["reference"][1], body=rendered("reference"))


@bp.get("/reference/<name>")
def page(name: str):
    if name not in PAGES or name == "reference":
        abort(404)
    return render_template("reference/page.html", title=PAGES[name][1], body=rendered(name))
