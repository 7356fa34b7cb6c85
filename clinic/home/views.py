"""Home page by role: the therapist's day, the front desk's desk, the owner's clinic."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import func, select

from ..access import ALL_ROLES
from ..clock import clinic_now
from ..extensions import db
from ..models import User
from ..web.navigation import add_nav
from ..web.panels import panels_for

bp = Blueprint("home", __name__)
add_nav("Home", "home.index", ALL_ROLES, 0)


@bp.app_context_processor
def _home_helpers():
    def greeting():
        hour = clinic_now(current_user.clinic).hour
        return "morning" if hour < 12 else "afternoon" if hour < 18 else "evening"

    return {"greeting": greeting}


@bp.get("/")
def index():
    staff_count = db.session.scalar(
        select(func.count(User.id)).where(User.clinic_id == current_user.clinic_id, User.active.is_(True))
    )
    return render_template(
        "home/index.html", role=current_user.role, staff_count=staff_count, panels=panels_for("home")
    )
