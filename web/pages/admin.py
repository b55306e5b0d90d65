"""Administration: users and roles, API tokens, and the access log."""
from __future__ import annotations

from flask import Blueprint, render_template

from engine import users
from web.pages.auth import engine, role_required
from web.pages.nav import add_nav_item

bp = Blueprint("admin", __name__, url_prefix="/admin")
add_nav_item("admin.users_page", "admin.nav_users", roles=("admin",), order=80)


@bp.get("/brugere")
@role_required("admin")
def users_page() -> str:
    return render_template("admin/users.html", users=users.list_users(engine().reader()))
