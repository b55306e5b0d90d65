"""Who may act on a task: one rule, used by the services and mirrored by the inbox query."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    """The person (or integration) a service call is made for."""

    username: str
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def has_any(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


SYSTEM = Actor("system", frozenset({"system"}))
ROLES = ("sagsbehandler", "ungekoordinator", "ungeguide", "koordinerende_sagsbehandler", "procesejer", "admin",
         "integration")


def normalize_role(name: str | None) -> str | None:
    """Lane names match roles case-insensitively; surrounding spaces do not count."""
    return name.strip().lower() if name and name.strip() else None


def lane_role(lane_name: str | None, lane_id: str | None) -> str | None:
    """The role a lane names: its name, or its id when the id is a role and the name is not."""
    by_name, by_id = normalize_role(lane_name), normalize_role(lane_id)
    if by_name not in ROLES and by_id in ROLES:
        return by_id
    return by_name


def may_act(actor: Actor, role: str | None, assignee: str | None, personal: bool, candidates: set[str]) -> bool:
    """True when the actor may claim or complete a task with these attributes.

    A claimed task belongs to its assignee. A task narrowed to people (lane_owners, assignee,
    candidate users) belongs to them. Otherwise anyone holding the task's role may act; a task
    outside every lane, narrowed to no one, is open to every user.
    """
    if assignee:
        return assignee == actor.username
    if personal:
        return actor.username in candidates
    if role is None:
        return True
    return role in actor.roles
