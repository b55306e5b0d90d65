"""The case page ("Sag") per young person, searching young people, and starting a course."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from engine import youths
from web.pages.auth import current_actor, engine, login_required
from web.pages.nav import add_nav_item

bp = Blueprint("cases", __name__)
add_nav_item("cases.search", "cases.nav", order=20)


@bp.get("/unge")
@login_required
def search() -> str:
    query = request.args.get("q", "").strip()
    results = youths.search_youths(engine().uow(), current_actor(), query) if query else None
    return render_template("search.html", query=query, results=results)


@bp.get("/unge/<int:youth_id>")
@login_required
def show(youth_id: int) -> str:
    youth = youths.get_youth(engine().uow(), current_actor(), youth_id)
    return render_template("case.html", youth=youth)
