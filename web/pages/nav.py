"""The main navigation: each page area adds its own entries, so no one edits base.html to add a link.

    from web.pages.nav import add_nav_item
    add_nav_item("dashboard.index", "dashboard.nav", permission="view_metrics", order=40)

An entry shows for users whose roles hold ``permission`` (every logged-in user without one: what a
role may do is the municipality's data, never a role name here), sorted by ``order``; the current
page's entry is marked with ``aria-current="page"``.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import request

from engine.people import policy
from engine.people.access import Actor


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label_key: str
    order: int = 50
    permission: str | None = None
    # The entry is current on any endpoint of its blueprint (the part before the dot).
    prefix: str = ""


_ITEMS: dict[str, NavItem] = {}


def add_nav_item(endpoint: str, label_key: str, order: int = 50, permission: str | None = None) -> None:
    """``permission``: the entry shows for holders of that permission (as kept in the database)."""
    _ITEMS[endpoint] = NavItem(endpoint, label_key, order, permission=permission, prefix=endpoint.split(".", 1)[0])


def nav_items(actor: Actor | None) -> list[dict[str, object]]:
    """The entries the actor may see; the current one is the page's own entry, else the first
    entry of the page's blueprint (a case page belongs under "young people")."""
    if actor is None:
        return []
    endpoint = request.endpoint or ""
    visible = [item for item in sorted(_ITEMS.values(), key=lambda i: (i.order, i.endpoint))
               if item.permission is None or policy.allows(actor, item.permission)]
    current = next((item for item in visible if item.endpoint == endpoint), None) or next(
        (item for item in visible if item.prefix == endpoint.split(".", 1)[0]), None)
    return [{"endpoint": item.endpoint, "label_key": item.label_key, "current": item is current}
            for item in visible]
