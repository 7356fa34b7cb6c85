"""Home page by role: the therapist's day, the front desk's desk, the owner's clinic."""

from dataclasses import dataclass

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import func, select

from ..database import utcnow
from ..extensions import db
from ..models import User

bp = Blueprint("home", __name__)


@dataclass(frozen=True)
class HomePanel:
    """A block on the home page that a feature provides: its template and the roles that see it."""

    template: str
    roles: frozenset[str]
    order: int


HOME_PANELS: list[HomePanel] = []


def add_home_panel(template: str, roles: tuple[str, ...], order: int) -> None:
    if not any(panel.template == template for panel in HOME_PANELS):
        HOME_PANELS.append(HomePanel(template, frozenset(roles), order))
        HOME_PANELS.sort(key=lambda panel: panel.order)


@bp.app_context_processor
def _home_helpers():
    def home_panels():
        return [panel for panel in HOME_PANELS if current_user.role in panel.roles]

    def greeting():
        hour = utcnow().astimezone(current_user.clinic.tz).hour
        return "morning" if hour < 12 else "afternoon" if hour < 18 else "evening"

    return {"home_panels": home_panels, "greeting": greeting}


@bp.get("/")
def index():
    staff_count = db.session.scalar(
        select(func.count(User.id)).where(User.clinic_id == current_user.clinic_id, User.active.is_(True))
    )
    return render_template("home/index.html", role=current_user.role, staff_count=staff_count)
